// Measuring a reveal.js deck on screen; tests/test_site.py adds this script to a deck's page.
window.deckTest = {
  // reveal.js has scaled the slide to the window (its margin on each axis).
  scaled() {
    const c = Reveal.getConfig(), m = 1 - c.margin;
    const want = Math.min(innerWidth * m / c.width, innerHeight * m / c.height);
    return Math.abs(Reveal.getScale() - want) < 1e-3;
  },

  // Show slide i (in document order); its place "h/v".
  goToSlide(i) {
    const at = Reveal.getIndices(Reveal.getSlides()[i]);
    Reveal.slide(at.h, at.v);
    return `${at.h}/${at.v || 0}`;
  },

  // The current slide, measured on screen (after reveal.js scales the slide to the window):
  // {height (logical px), problems, smallest code and prose font size (px)}.
  measure([minCode, minProse]) {
    const slides = document.querySelector('.reveal .slides');
    const box = slides.getBoundingClientRect();
    const scale = box.height / slides.offsetHeight;
    const slide = Reveal.getCurrentSlide();
    const shown = el => !el.closest('aside.notes, script, style') && el.getClientRects().length > 0;
    const problems = [];
    let bottom = box.top;
    for (const el of slide.querySelectorAll('*')) {
      if (!shown(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) bottom = Math.max(bottom, r.bottom);
    }
    const height = Math.round((bottom - box.top) / scale);
    if (bottom > box.bottom + 1) problems.push(`content ${height} px tall in a ${slides.offsetHeight} px slide`);
    const right = Math.min(window.innerWidth, box.right) + 1;
    for (const el of slide.querySelectorAll(
        'pre, .jp-InputArea-editor, .jp-OutputArea-output, img, table, .MathJax_Display')) {
      if (!shown(el)) continue;
      const r = el.getBoundingClientRect();
      const what = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '');
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`${what} cut: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
      else if (r.right > right) problems.push(`${what} ends ${Math.round(r.right - right)} px right of the slide`);
    }
    const smallest = {code: Infinity, prose: Infinity};
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const el = walker.currentNode.parentElement;
      if (!walker.currentNode.textContent.trim() || !shown(el) || el.closest(
          '.MathJax, .MathJax_Display, .MathJax_Preview, .MJX_Assistive_MathML')) continue;
      const kind = el.closest('pre, code, .jp-OutputArea-output') ? 'code' : 'prose';
      smallest[kind] = Math.min(smallest[kind], parseFloat(getComputedStyle(el).fontSize) * scale);
    }
    if (smallest.code < minCode) problems.push(`code at ${smallest.code.toFixed(1)} px`);
    if (smallest.prose < minProse) problems.push(`prose at ${smallest.prose.toFixed(1)} px`);
    return {height, problems, code: smallest.code, prose: smallest.prose};
  },

  // Show each slide in turn, wait until MathJax has typeset what it queued, measure it; all in
  // the page, in one round trip: [[slide "h/v", measures], ...].
  async measureAll(limits) {
    const measured = [];
    for (let i = 0; i < Reveal.getSlides().length; i++) {
      const where = this.goToSlide(i);
      await new Promise(done => MathJax.Hub.Queue(() => done(true)));
      measured.push([where, this.measure(limits)]);
    }
    return measured;
  },
};
