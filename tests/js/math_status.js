// MathJax 2 on the page: equations in the source, typeset, in error; its font warning; whether
// its STIX web fonts loaded.
() => ({
  sources: document.querySelectorAll('script[type^="math/tex"]').length,
  rendered: document.querySelectorAll('span.MathJax').length,
  errors: document.querySelectorAll('.MathJax_Error, .merror, .noError').length,
  fontWarning: !!document.getElementById('MathJax_FontWarning'),
  stixLoaded: Array.from(document.fonts).some(f => /STIX/.test(f.family) && f.status === 'loaded'),
})
