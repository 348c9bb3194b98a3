// The Library view's grid: it reads the (CloudKit-like) library service, and polls it every 2 s
// whatever view is shown (so an idle app notices an expired session too: a 401 or 421 answer).
// Clicking a cell selects it (aria-selected), which the toolbar's Download button follows.
'use strict';

self.PhotosLibraryGrid = {
  create({ h, label, emptyText, onSessionExpired, onSelectionChange }) {
    const DSID = '1234567890';
    const DATABASE_URL = 'https://p42-ckdatabasews.icloud.com/database/1/com.apple.photos.cloud/production/private';
    const POLL_MS = 2000;
    const grid = h('div', { class: 'PhotosGrid', role: 'grid', 'aria-label': label, 'aria-multiselectable': 'true' });
    const emptyNote = h('div', { class: 'EmptyLibrary' }, emptyText);
    const element = h('div', { class: 'PhotosGridContainer' }, grid, emptyNote);
    let syncToken = null;
    let refreshing = false;

    async function database(call) {
      // text/plain JSON, as CloudKit's web client sends, so no preflight is needed.
      const response = await fetch(`${DATABASE_URL}/${call}?dsid=${DSID}&remapEnums=true`, {
        method: 'POST', credentials: 'include', body: JSON.stringify({ zoneID: { zoneName: 'PrimarySync' } }),
      });
      if (response.status === 401 || response.status === 421) onSessionExpired();
      if (!response.ok) throw new Error(`${call}: HTTP ${response.status}`);
      return response.json();
    }

    async function refresh() {
      if (refreshing) return;
      refreshing = true;
      try {
        const { zones } = await database('zones/list');
        if (zones[0].syncToken === syncToken) return;
        const { records, syncToken: token } = await database('records/query');
        syncToken = token;
        render(records);
      } catch (error) {
        console.warn('Photos stand-in: library refresh failed', error);
      } finally {
        refreshing = false;
      }
    }

    // Cells are kept per record (as React would), so polling a large library does not rebuild the grid.
    const cellsByRecord = new Map();

    function render(records) {
      const cells = records.map(({ recordName, fields }) => {
        if (cellsByRecord.has(recordName)) return cellsByRecord.get(recordName);
        const name = fields.filename.value;
        const content = fields.itemType.value.startsWith('video/')
          ? h('div', { class: 'VideoTile' }, '\u25b6 ', name)
          : h('img', { src: fields.thumbURL.value, alt: name, loading: 'lazy' });
        const cell = h('div', {
          class: 'GridItem', role: 'gridcell', 'aria-label': name, 'aria-selected': 'false', 'data-record-name': recordName,
        }, content);
        cell.addEventListener('click', () => {
          cell.setAttribute('aria-selected', String(cell.getAttribute('aria-selected') !== 'true'));
          selectionChanged();
        });
        cellsByRecord.set(recordName, cell);
        return cell;
      });
      const current = new Set(records.map((r) => r.recordName));
      for (const recordName of [...cellsByRecord.keys()]) if (!current.has(recordName)) cellsByRecord.delete(recordName);
      let row = grid.querySelector('.GridRow');
      if (!row) grid.append(row = h('div', { class: 'GridRow', role: 'row' }));
      const same = row.children.length === cells.length && cells.every((cell, i) => row.children[i] === cell);
      if (!same) {
        row.replaceChildren(...cells);
        selectionChanged();
      }
      emptyNote.hidden = cells.length > 0;
    }

    function selectionChanged() {
      onSelectionChange(grid.querySelectorAll('[role=gridcell][aria-selected=true]').length);
    }

    refresh();
    setInterval(refresh, POLL_MS);
    return { element, refresh };
  },
};
