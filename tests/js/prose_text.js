// The text of the rendered markdown, code and MathJax's sources and output left out: raw TeX
// left in it ($...$, \(...\)) is maths that MathJax did not typeset.
() => Array.from(document.querySelectorAll(
    '.jp-RenderedMarkdown, .jp-RenderedHTMLCommon, li.nb, h1, h2, h3, p')).map(el => {
  const c = el.cloneNode(true);
  c.querySelectorAll('code, pre, script, .MathJax, .MathJax_Display, .MJX_Assistive_MathML')
   .forEach(x => x.remove());
  return c.textContent;
}).join('\n')
