// Follows what the page does with the files photolift handed it, from the facts the page observer
// reports (the page's own requests), and tells the panel each file's outcome. Every judgement of
// what a request or status means is the site adapter's (icloud.js); this file only keeps track:
// which request concerns which handed file, when the page was last at work, and whether it still
// uploads in a way photolift recognises. It knows no DOM, so node tests drive it directly.
'use strict';

globalThis.PhotoliftUploadTracker = (() => {
  // A hand-over that produced no recognised upload request for this long: the page uploads in a
  // way this version does not know (or not at all). Well under a minute, so a user sees it soon.
  const UNRECOGNISED_AFTER_MS = 40_000;
  // With nothing of the batch in flight, this long without any upload activity of the page: the
  // files still waiting were never taken up (or their answers were lost). Counted from the last
  // activity, not the hand-over, so a slow line never makes a file "never started".
  const QUIET_AFTER_MS = 30_000;
  // The panel's own batch timeout counts from the last sign of activity; tell it this often.
  const ACTIVITY_EVERY_MS = 5_000;
  // Requests kept for the diagnostics report.
  const REPORT_REQUESTS = 40;
  // Once the page said it is about to be left (beforeunload), the browser may end its requests
  // without an answer before the page is gone (Firefox does, measured: the putAsset in flight ended
  // 10–50 ms after beforeunload, with no status, 40–300 ms before pagehide). Such an ending says
  // nothing of the files, and told as a failure it would let the panel start the next batch while
  // this one may have arrived. So it waits: dropped when the page goes, counted after all if the
  // page is still here this long after (the leaving was cancelled, or was a download).
  const LEAVING_HOLD_MS = 10_000;

  /**
   * @param {{site: object, protocol: object, send(type: string, fields: object): void,
   *   now(): number, onPageStatus(status: string): void,
   *   describePage(): {checks: object[], extensionVersion: string, browser: string}}} options
   */
  function create({ site, protocol: P, send, now, onPageStatus, describePage }) {
    const pending = new Map(); // plan id → entry
    const requests = new Map(); // `${frame}:${request}` → {kind, url, body, entries, files, record}
    const byUuid = new Map(); // client uuid → entry
    // Files that failed or never started, by name|lastModified: a registration that arrives for
    // one later still counts (the page may answer after we stopped waiting).
    const settledEarly = new Map();
    const recent = [];
    let batch = null; // {batch, handedAt, lastActivity, recognised, activitySentAt}
    let inFlight = 0; // recognised upload requests started and not ended
    let changed = false;
    let leavingSince = null; // when the page said it is about to be left (see LEAVING_HOLD_MS)
    let left = false; // the page is gone: nothing more is told
    const held = []; // [frame, message] of requests that ended without an answer while leaving

    const keyOf = (name, lastModified) => `${name}|${Number(lastModified)}`;

    function handed(batchNumber, files) {
      const at = now();
      batch = { batch: batchNumber, handedAt: at, lastActivity: at, recognised: false, activitySentAt: at };
      for (const file of files) {
        pending.set(file.id, { ...file, key: keyOf(file.name, file.lastModified), uuid: '', uuidCertain: false,
          started: false });
      }
    }

    function activity() {
      if (!batch) return;
      batch.lastActivity = now();
      tellPanelBusy();
    }

    function tellPanelBusy() {
      const at = now();
      if (at - batch.activitySentAt >= ACTIVITY_EVERY_MS) {
        batch.activitySentAt = at;
        send(P.FromPage.PAGE_ACTIVITY, { batch: batch.batch });
      }
    }

    function settle(entry, outcome, status = 0, message = '') {
      if (!pending.delete(entry.id)) return;
      if (entry.uuid) byUuid.delete(entry.uuid);
      const early = outcome === P.PageOutcome.FAILED || outcome === P.PageOutcome.NEVER_STARTED;
      if (early) settledEarly.set(entry.key, entry.id);
      else settledEarly.delete(entry.key);
      send(P.FromPage.FILE_RESULT, { id: entry.id, outcome, status, message });
    }

    const byKey = (key) => [...pending.values()].find((entry) => entry.key === key);

    // The session ended or the app went away: what was in flight died with it; not the files' fault.
    function abandon(outcome = P.PageOutcome.SIGNED_OUT) {
      for (const entry of [...pending.values()]) settle(entry, outcome);
      requests.clear();
      byUuid.clear();
      inFlight = 0;
    }

    function remember(record) {
      recent.push(record);
      if (recent.length > REPORT_REQUESTS) recent.shift();
    }

    // Byte sizes are all a reservation says about its files; a size shared by two waiting files
    // leaves the match uncertain, so a failure is then not pinned on either.
    // Files still without an upload URL that have this byte size.
    const unreservedOfSize = (size) => [...pending.values()].filter((e) => !e.uuid && e.size === size);

    function reserve(assets) {
      for (const { uuid, size } of assets) {
        const candidates = unreservedOfSize(size);
        const entry = candidates.find((e) => !e.started) || candidates[0];
        if (!entry) continue;
        entry.uuid = uuid;
        entry.uuidCertain = candidates.length === 1;
        byUuid.set(uuid, entry);
      }
    }

    function entryForBytes(url, body) {
      if (body?.name != null && body.lastModified != null) {
        const entry = byKey(keyOf(body.name, body.lastModified));
        if (entry) return { entry, certain: true };
      }
      const entry = byUuid.get(site.uuidOfBytesUrl(url));
      return entry ? { entry, certain: entry.uuidCertain } : { entry: null, certain: false };
    }

    function entryForLegacy(url, body) {
      if (body?.name != null && body.lastModified != null) return byKey(keyOf(body.name, body.lastModified));
      try {
        const query = new URL(url).searchParams;
        return byKey(keyOf(query.get('filename'), query.get('lastModDate')));
      } catch {
        return null;
      }
    }

    function started(frame, { request, method, url, body }) {
      const kind = site.classifyRequest(method, url);
      const { host, path } = site.describeForReport(url);
      const record = { method: String(method).toUpperCase(), host, path, status: 0, kind,
        atMs: batch ? now() - batch.handedAt : 0 };
      remember(record);
      const tracked = { kind, url, body, entries: [], files: null, record };
      requests.set(`${frame}:${request}`, tracked);
      if (!kind) return;
      inFlight += 1;
      if (batch && pending.size) batch.recognised = true;
      activity();
      if (kind === 'bytes' || kind === 'legacy') {
        const found = kind === 'bytes' ? entryForBytes(url, body) : { entry: entryForLegacy(url, body), certain: true };
        if (found.entry) {
          found.entry.started = true;
          tracked.entries = [found.entry];
          tracked.certain = found.certain;
          send(P.FromPage.FILE_PROGRESS, { id: found.entry.id, loaded: 0, total: body?.size || found.entry.size });
        }
      } else if (kind === 'register') {
        tracked.files = site.readRegistrationRequest(body?.text ?? '');
      }
    }

    function progressed(frame, { request, loaded, total }) {
      const tracked = requests.get(`${frame}:${request}`);
      if (!tracked?.kind) return;
      activity();
      for (const entry of tracked.entries) send(P.FromPage.FILE_PROGRESS, { id: entry.id, loaded, total });
    }

    function ended(frame, message) {
      const { request, status, text } = message;
      const id = `${frame}:${request}`;
      const tracked = requests.get(id);
      if (!tracked || left) return;
      if (leavingSince !== null && !status) {
        held.push([frame, message]);
        return;
      }
      requests.delete(id);
      tracked.record.status = status;
      if (!tracked.kind || changed) return;
      inFlight = Math.max(0, inFlight - 1);
      activity();
      const verdict = site.judgeAnswer(tracked.kind, status);
      if (verdict === 'signed-out' || verdict === 'no-web-access') {
        if (verdict === 'no-web-access') onPageStatus(P.PageStatus.NO_WEB_ACCESS);
        abandon(P.PageOutcome.SIGNED_OUT);
        return;
      }
      switch (tracked.kind) {
        case 'reserve': return reserved(tracked, status, text, verdict);
        case 'bytes': return bytesEnded(tracked, status, verdict);
        case 'register': return registered(tracked, status, text, verdict);
        case 'legacy': return legacyEnded(tracked, status, verdict);
        default: return undefined; // 'status': ingest progress, activity only
      }
    }

    function reserved(tracked, status, text, verdict) {
      const assets = site.readReservation(tracked.body?.text ?? '', text ?? '');
      if (!assets) return pageChanged('a createUploadUrl request was not of the known shape');
      if (!verdict) return reserve(assets);
      // No URL for these files: the page will not send them. A size names a file only when unique.
      for (const { size } of assets) {
        const candidates = unreservedOfSize(size);
        if (candidates.length === 1) settle(candidates[0], verdict, status);
      }
      return undefined;
    }

    function bytesEnded(tracked, status, verdict) {
      const [entry] = tracked.entries;
      if (!entry) return;
      if (!verdict) {
        send(P.FromPage.FILE_PROGRESS, { id: entry.id, loaded: entry.size, total: entry.size });
      } else if (tracked.certain) {
        settle(entry, verdict, status);
      }
      // An uncertain failure is left to the quiet rule: the other file of that size may be the one.
    }

    function registered(tracked, status, text, verdict) {
      const files = tracked.files;
      if (!files) return pageChanged('a putAsset request was not of the known shape');
      if (verdict) {
        for (const file of files) {
          const entry = byKey(keyOf(file.name, file.lastModified));
          if (entry) settle(entry, verdict, status);
        }
        return undefined;
      }
      const answer = site.readRegistrationAnswer(text ?? '');
      if (!answer || answer.length !== files.length) return pageChanged('a putAsset answer was not of the known shape');
      files.forEach((file, i) => {
        const judged = site.judgeRegistration(answer[i]);
        const key = keyOf(file.name, file.lastModified);
        if (!judged) return pageChanged('a putAsset answer entry was not of the known shape');
        if (judged.outcome === P.PageOutcome.SIGNED_OUT) return abandon(P.PageOutcome.SIGNED_OUT);
        const entry = byKey(key);
        if (entry) return settle(entry, judged.outcome, judged.status, judged.message);
        // Registered after we stopped waiting for it: the photo is there all the same.
        const registeredLate = judged.outcome === P.PageOutcome.UPLOADED || judged.outcome === P.PageOutcome.ALREADY_THERE;
        if (registeredLate && settledEarly.has(key)) {
          send(P.FromPage.FILE_RESULT, { id: settledEarly.get(key), outcome: judged.outcome, status: judged.status, message: '' });
          settledEarly.delete(key);
        }
        return undefined;
      });
      return undefined;
    }

    function legacyEnded(tracked, status, verdict) {
      const [entry] = tracked.entries;
      if (verdict === P.PageOutcome.OUTDATED) onPageStatus(P.PageStatus.OUTDATED);
      if (entry && verdict) settle(entry, verdict, status);
    }

    function pageChanged(finding) {
      if (changed) return;
      changed = true;
      for (const entry of pending.values()) if (entry.uuid) byUuid.delete(entry.uuid);
      pending.clear();
      send(P.FromPage.PAGE_CHANGED, { diagnostics: { ...describePage(), requests: [...recent], finding } });
    }

    // A frame's document was (re)loaded: the requests its previous document left open ended with
    // it, and its request numbers start again.
    function frameLoaded(frame) {
      for (const [id, tracked] of [...requests]) {
        if (!id.startsWith(`${frame}:`)) continue;
        requests.delete(id);
        if (tracked.kind) inFlight = Math.max(0, inFlight - 1);
      }
    }

    function observe(frame, message) {
      switch (message.type) {
        case P.FromObserver.REQUEST_STARTED: return started(frame, message);
        case P.FromObserver.REQUEST_PROGRESS: return progressed(frame, message);
        case P.FromObserver.REQUEST_ENDED: return ended(frame, message);
        case P.FromObserver.WORKER_TRAFFIC: return pending.size ? activity() : undefined;
        case P.FromObserver.READY: return frameLoaded(frame);
        case P.FromObserver.PICKER_SUPPRESSED:
          return undefined;
        default: return undefined;
      }
    }

    // The page is about to be left (beforeunload), and then gone (pagehide, not kept in the
    // back-forward cache).
    function leaving() {
      leavingSince = now();
    }

    function gone() {
      left = true;
      held.length = 0;
    }

    function tick() {
      if (leavingSince !== null && now() - leavingSince >= LEAVING_HOLD_MS) {
        leavingSince = null;
        for (const [frame, message] of held.splice(0)) ended(frame, message);
      }
      if (!batch || changed || left) return;
      const waiting = [...pending.values()].filter((entry) => entry.batch === batch.batch);
      if (!waiting.length) return;
      const at = now();
      if (!batch.recognised && at - batch.handedAt > UNRECOGNISED_AFTER_MS) {
        pageChanged(`no upload request photolift knows followed the hand-over of ${waiting.length} files`);
      } else if (!batch.recognised) {
        // Still judging the hand-over: the panel must not time its files out meanwhile.
        tellPanelBusy();
      } else if (batch.recognised && inFlight === 0 && at - batch.lastActivity > QUIET_AFTER_MS) {
        for (const entry of waiting) settle(entry, P.PageOutcome.NEVER_STARTED);
      }
    }

    return {
      handed, observe, tick, abandon, pageChanged, leaving, gone,
      get hasChanged() { return changed; },
      get pendingCount() { return pending.size; },
    };
  }

  return { create, UNRECOGNISED_AFTER_MS, QUIET_AFTER_MS, LEAVING_HOLD_MS };
})();
