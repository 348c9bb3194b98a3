// What every part of the shell shares: a tiny element builder, the page's strings and variant (JSON
// blocks the server fills in), and the URL of the Photos app for the variant's locale.
'use strict';

self.IcloudShell = (() => {
  function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.append(...children);
    return element;
  }

  function json(id) {
    const block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : {};
  }

  const variant = json('standin-variant');
  const strings = json('standin-strings');
  const locale = variant.locale || 'en-us';

  return {
    h,
    variant,
    strings,
    locale,
    appUrl: `/applications/photos3/current/${locale}/index.html?rootDomain=www`,
    // Replaces the shell's <main> with `view` (the top document itself stays).
    showView(view) {
      document.querySelector('main.ShellContent').replaceWith(view);
    },
  };
})();
