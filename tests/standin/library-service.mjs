// p42-ckdatabasews.icloud.com: a much-reduced CloudKit database the Photos app reads its
// library from. Only two calls are modelled, because the design relies on them:
//   POST …/zones/list     → the zone's syncToken, which changes when the server has new items
//   POST …/records/query  → one record per indexed item (the newest 200), with a thumbnail URL
// and GET /assets/:index serves the item's bytes as its "thumbnail".
// A registered photo is indexed (visible to both calls) only variant.indexingDelayMs after it
// was registered, as the real library shows a new upload only after a while.
// Field names are simplified; nothing outside the stand-in app should parse them.
import { answerPreflight, corsHeaders, sendJson } from './responses.mjs';
import { indexedPhotos } from './state.mjs';

export const LIBRARY_HOST = 'p42-ckdatabasews.icloud.com';
const DATABASE = '/database/1/com.apple.photos.cloud/production/private';
const RESULTS_LIMIT = 200;

export function handleLibraryHost(req, res, state) {
  const url = new URL(req.url, `https://${LIBRARY_HOST}`);
  const cors = corsHeaders(req);
  if (req.method === 'OPTIONS') return answerPreflight(req, res);
  if (!state.signedIn) {
    req.resume();
    return sendJson(res, state.expiryStatus, { error: 'AUTHENTICATION_FAILED', serverErrorCode: 'AUTHENTICATION_FAILED' }, cors);
  }
  const indexed = indexedPhotos(state);

  if (req.method === 'POST' && url.pathname === `${DATABASE}/zones/list`) {
    req.resume();
    return sendJson(res, 200, {
      zones: [{ zoneID: { zoneName: 'PrimarySync' }, syncToken: syncToken(state, indexed) }],
    }, cors);
  }
  if (req.method === 'POST' && url.pathname === `${DATABASE}/records/query`) {
    req.resume();
    // One page of results, the newest, as CloudKit answers a query (resultsLimit) and as the app's
    // virtualised grid shows it: a library of 10,000 must not cost the page 10,000 cells per poll.
    return sendJson(res, 200, {
      syncToken: syncToken(state, indexed),
      records: indexed.slice(-RESULTS_LIMIT).map((item) => ({
        recordName: item.photoGuid,
        recordType: 'CPLAsset',
        fields: {
          filename: { value: item.name },
          itemType: { value: item.contentType },
          size: { value: item.size },
          thumbURL: { value: `https://${LIBRARY_HOST}/assets/${item.index}` },
        },
      })),
    }, cors);
  }
  const asset = url.pathname.match(/^\/assets\/(\d+)$/);
  if (req.method === 'GET' && asset && state.received[Number(asset[1])]) {
    const item = state.received[Number(asset[1])];
    res.writeHead(200, { ...cors, 'Content-Type': item.contentType || 'application/octet-stream', 'Content-Length': item.bytes ? item.size : 0 });
    return res.end(item.bytes ?? undefined); // a streamed video is kept as its hash only
  }
  return sendJson(res, 404, { error: 'not found' }, cors);
}

function syncToken(state, indexed) {
  return `HwoECJ${state.generation}.${indexed.length}`;
}
