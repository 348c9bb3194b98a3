// Keeps the File System Access handles of the files and folders dropped on the panel, so that an
// upload interrupted by a reload or a closed tab resumes without asking for the files again. The
// panel cannot keep them itself: it is a frame inside icloud.com, where the browser denies it
// IndexedDB (third-party storage); this service worker is first-party to the extension. Handles
// are references to the user's files, not their bytes, and never leave this browser profile.
//
// Protocol (service-worker postMessage, answer on the transferred port):
//   {photolift: 'handles', op: 'add', handles: FileSystemHandle[]} -> {ok: true}
//   {photolift: 'handles', op: 'get'}                               -> {ok: true, handles}
//   {photolift: 'handles', op: 'clear'}                             -> {ok: true}
//   on failure                                                      -> {error: string}

const DATABASE = 'photolift';
const STORE = 'handles';
// One upload is resumable at a time (the journal's); its drops are kept under one key.
const KEY = 'interrupted-upload';

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inTransaction(mode, work) {
  const db = await openDatabase();
  try {
    const transaction = db.transaction(STORE, mode);
    const result = await new Promise((resolve, reject) => {
      let value;
      work(transaction.objectStore(STORE), (v) => { value = v; });
      transaction.oncomplete = () => resolve(value);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('aborted'));
    });
    return result;
  } finally {
    db.close();
  }
}

async function run(op, handles) {
  switch (op) {
    case 'add':
      if (!Array.isArray(handles) || !handles.every((h) => h instanceof FileSystemHandle)) {
        throw new Error('add: expected FileSystemHandle[]');
      }
      await inTransaction('readwrite', (store) => {
        const read = store.get(KEY);
        read.onsuccess = () => store.put([...(read.result ?? []), ...handles], KEY);
      });
      return { ok: true };
    case 'get':
      return { ok: true, handles: await inTransaction('readonly', (store, set) => {
        const read = store.get(KEY);
        read.onsuccess = () => set(read.result ?? []);
      }) };
    case 'clear':
      await inTransaction('readwrite', (store) => store.delete(KEY));
      return { ok: true };
    default:
      throw new Error(`unknown op ${op}`);
  }
}

self.addEventListener('message', (event) => {
  const port = event.ports?.[0];
  // Only our own pages (the panel) may use the store.
  if (event.data?.photolift !== 'handles' || !port || event.origin !== self.location.origin) return;
  const answered = run(event.data.op, event.data.handles).then(
    (reply) => port.postMessage(reply),
    (error) => port.postMessage({ error: String(error?.message ?? error) }),
  );
  event.waitUntil?.(answered);
});
