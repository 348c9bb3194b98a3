// The iCloud home page's launcher: one tile per app, each a link to the app's path. The shell
// intercepts a click on a tile it can show (Photos) and switches in place (history.pushState).
'use strict';

(() => {
  const { h, strings } = self.IcloudShell;
  const APPS = [
    { key: 'photos', path: '/photos/' },
    { key: 'drive', path: '/iclouddrive/' },
    { key: 'mail', path: '/mail/' },
    { key: 'notes', path: '/notes/' },
    { key: 'contacts', path: '/contacts/' },
    { key: 'calendar', path: '/calendar/' },
  ];

  /** The home view (main.ShellContent.HomeView); `onOpen(path, event)` sees every tile click. */
  self.IcloudShell.homeView = ({ onOpen }) => {
    const tiles = APPS.map(({ key, path }) => {
      const tile = h('a', { class: `AppTile AppTile-${key}`, href: path, 'data-app': key },
        h('span', { class: 'AppTileIcon', 'aria-hidden': 'true' }), h('span', { class: 'AppTileName' }, strings[key]));
      tile.addEventListener('click', (event) => onOpen(path, event));
      return tile;
    });
    return h('main', { class: 'ShellContent HomeView' },
      h('nav', { class: 'AppLauncher', 'aria-label': strings.apps }, ...tiles));
  };
})();
