// The names of every message between photolift's contexts, for the JavaScript side. The Rust
// enums in src/protocol/ are the source of truth; tests/e2e/protocol.test.mjs fails when this file
// (or a handler that uses it) drifts from them. On the wire a message is
// `{photolift: <boundary>, type: <one of these>, ...fields}`.
//
// Loaded as a plain script in every context: the content script's world, the background, and —
// bundled into the page observer's private scope by build.sh — the page's own realm.
'use strict';

globalThis.PhotoliftProtocol = (() => {
  const ENVELOPE = 'photolift';

  const FromObserver = Object.freeze({
    READY: 'ready',
    REQUEST_STARTED: 'request-started',
    REQUEST_PROGRESS: 'request-progress',
    REQUEST_ENDED: 'request-ended',
    WORKER_TRAFFIC: 'worker-traffic',
    PICKER_SUPPRESSED: 'picker-suppressed',
  });
  const ToObserver = Object.freeze({
    SUPPRESS_NEXT_PICKER: 'suppress-next-picker',
  });
  const ToPage = Object.freeze({
    PANEL_READY: 'panel-ready',
    HELLO: 'hello',
    SET_EXPANDED: 'set-expanded',
    SET_TITLE: 'set-title',
    UPLOAD_BATCH: 'upload-batch',
    MOVE_PANEL: 'move-panel',
    RESIZE_PANEL: 'resize-panel',
    DOCK_PANEL: 'dock-panel',
    POINTER_OVER: 'pointer-over',
  });
  const FromPage = Object.freeze({
    CONNECT: 'connect',
    PAGE_STATUS: 'page-status',
    SHOW: 'show',
    BATCH_HANDED: 'batch-handed',
    BATCH_REFUSED: 'batch-refused',
    PAGE_ACTIVITY: 'page-activity',
    FILE_PROGRESS: 'file-progress',
    FILE_RESULT: 'file-result',
    PAGE_CHANGED: 'page-changed',
  });
  const ToWorker = Object.freeze({
    START: 'start',
    CONVERT: 'convert',
  });
  const FromWorker = Object.freeze({
    READY: 'ready',
    CONVERTED: 'converted',
    FAILED: 'failed',
    CRASHED: 'crashed',
  });
  // Received by Rust only (a worker and its codecs module); named here for the drift test.
  const ToCodecs = Object.freeze({
    DECODE: 'decode',
  });
  const FromCodecs = Object.freeze({
    DECODED: 'decoded',
    FAILED: 'failed',
  });
  const ToBackground = Object.freeze({
    REGISTER_PANEL: 'register-panel',
    VERIFY_PANEL: 'verify-panel',
    TAKE_TURN: 'take-turn',
    KEEP_HANDLES: 'keep-handles',
    KEPT_HANDLES: 'kept-handles',
    FORGET_HANDLES: 'forget-handles',
    TAKE_WEB_IMAGES: 'take-web-images',
    SET_BADGE: 'set-badge',
    NOTIFY: 'notify',
    WITHDRAW_NOTIFICATION: 'withdraw-notification',
  });
  const FromBackground = Object.freeze({
    VERIFIED: 'verified',
    TURN: 'turn',
    HANDLES: 'handles',
    WEB_IMAGES: 'web-images',
    DONE: 'done',
    ERROR: 'error',
  });

  // Which boundary each direction belongs to (its envelope name).
  const BOUNDARY = Object.freeze({
    FromObserver: 'observer', ToObserver: 'observer',
    ToPage: 'page', FromPage: 'page',
    ToWorker: 'worker', FromWorker: 'worker',
    ToCodecs: 'codecs', FromCodecs: 'codecs',
    ToBackground: 'background', FromBackground: 'background',
  });

  const PageStatus = Object.freeze({
    READY: 'ready',
    SIGNED_OUT: 'signed-out',
    NO_WEB_ACCESS: 'no-web-access',
    LOADING: 'loading',
    OTHER_VIEW: 'other-view',
    OUTDATED: 'outdated',
  });
  const PageOutcome = Object.freeze({
    UPLOADED: 'uploaded',
    ALREADY_THERE: 'already-there',
    SIGNED_OUT: 'signed-out',
    OUTDATED: 'outdated',
    FAILED: 'failed',
    REFUSED: 'refused',
    NEVER_STARTED: 'never-started',
  });

  /** A message of `boundary` ('observer' | 'page' | 'worker' | 'codecs' | 'background'). */
  function message(boundary, type, fields = {}) {
    return { ...fields, [ENVELOPE]: boundary, type };
  }

  /** Whether `data` is a message of `boundary`. */
  function isOf(data, boundary) {
    return Boolean(data) && typeof data === 'object' && data[ENVELOPE] === boundary && typeof data.type === 'string';
  }

  return Object.freeze({
    ENVELOPE, BOUNDARY, FromObserver, ToObserver, ToPage, FromPage, ToWorker, FromWorker, ToCodecs,
    FromCodecs, ToBackground, FromBackground, PageStatus, PageOutcome, message, isOf,
  });
})();
