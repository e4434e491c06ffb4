"""Cut a Python process off the network: put this folder first on ``PYTHONPATH``.

``benchmarks/full_mode.py`` and ``tests/test_full_mode.py`` start notebook
kernels with it to prove the full mode needs no network. Name lookups of
anything but localhost fail at once, and so do connections to non-loopback
addresses (the kernel's own ZeroMQ sockets on 127.0.0.1 are not affected).
"""

import ipaddress
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}
_getaddrinfo = socket.getaddrinfo
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _offline_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        raise socket.gaierror(socket.EAI_NONAME, f"network disabled (offline guard): {host}")
    return _getaddrinfo(host, *args, **kwargs)


def _check(sock, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        raise OSError(101, f"Network is unreachable (offline guard): {address[0]}")


def _offline_connect(self, address):
    _check(self, address)
    return _connect(self, address)


def _offline_connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)


socket.getaddrinfo = _offline_getaddrinfo
socket.socket.connect = _offline_connect
socket.socket.connect_ex = _offline_connect_ex
OFFLINE_GUARD = True
