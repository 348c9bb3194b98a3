// Keeps the File System Access handles of the files and folders dropped on the panel, so that an
// upload interrupted by a reload or a closed tab resumes without asking for the files again. The
// panel cannot keep them itself: it is a frame inside icloud.com, where the browser denies it
// IndexedDB (third-party storage); the background is first-party to the extension. Handles are
// references to the user's files, not their bytes, and never leave this browser profile.

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

export async function keepHandles(handles) {
  if (!Array.isArray(handles) || !handles.every((h) => h instanceof FileSystemHandle)) {
    throw new Error('keep-handles: expected FileSystemHandle[]');
  }
  await inTransaction('readwrite', (store) => {
    const read = store.get(KEY);
    read.onsuccess = () => store.put([...(read.result ?? []), ...handles], KEY);
  });
}

export function keptHandles() {
  return inTransaction('readonly', (store, set) => {
    const read = store.get(KEY);
    read.onsuccess = () => set(read.result ?? []);
  });
}

export async function forgetHandles() {
  await inTransaction('readwrite', (store) => store.delete(KEY));
}
