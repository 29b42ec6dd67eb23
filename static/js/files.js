/**
 * Photos and other files on the tablet: kept in IndexedDB the moment they are taken, named by their
 * SHA-256, and uploaded on their own queue after the records sync, so a record never waits for bytes.
 *
 * Uploads are resumable: the server says how much it already has (HEAD → Upload-Offset) and the rest
 * goes in chunks (PATCH), so a photo half-sent when the corridor lost the network continues where it
 * stopped. Classic script shared by pages and the service worker.
 */
(function (root) {
  "use strict";
  const DB = new Proxy({}, { get: (_, name) => root.MadoguchiDB[name] });
  const API = "/api/sync/v1/blobs";
  const CHUNK = 1024 * 1024;
  const MAX_SIDE = 2048; // long side of a stored photo, in pixels: enough to read a sign, small to send
  const MAX_BYTES = 20 * 1024 * 1024; // the server's limit for one file
  const JPEG_QUALITY = 0.85;

  class FileTooLarge extends Error {
    constructor(size) {
      super("file too large");
      this.code = "too_large";
      this.size = size;
    }
  }

  /** Only photos are kept and sent (the server checks the same first bytes and refuses anything else). */
  class NotAPhoto extends Error {
    constructor() {
      super("not a photo");
      this.code = "not_photo";
    }
  }

  async function isPhoto(blob) {
    const b = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
    const ascii = (from, to) => String.fromCharCode(...b.slice(from, to));
    const jpeg = b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
    const png = b[0] === 0x89 && ascii(1, 4) === "PNG" && ascii(12, 16) === "IHDR";
    const webp = ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP";
    return jpeg || png || webp;
  }

  async function sha256Hex(blob) {
    const digest = await root.crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** A camera photo scaled down in the browser (never uploaded at full size); other files as they are. */
  async function downscale(blob) {
    if (!blob.type.startsWith("image/") || blob.type === "image/svg+xml" || !root.createImageBitmap) return blob;
    let bitmap;
    try {
      bitmap = await root.createImageBitmap(blob, { imageOrientation: "from-image" });
    } catch (_) {
      return blob; // not a picture the browser can read: keep the bytes, the server checks only the hash
    }
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && blob.type === "image/jpeg" && blob.size <= 2 * 1024 * 1024) { bitmap.close(); return blob; }
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = root.OffscreenCanvas ? new root.OffscreenCanvas(width, height)
      : Object.assign(root.document.createElement("canvas"), { width, height });
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: JPEG_QUALITY });
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  }

  /**
   * Keep a file for this user: scaled, hashed and stored locally in one step; returns its description
   * ({sha256, size, type}) for the record's field. Throws FileTooLarge when even scaled it is too big,
   * NotAPhoto for anything but a JPEG, PNG or WebP photo.
   */
  async function keep(userKey, file) {
    const blob = await downscale(file);
    if (blob.size > MAX_BYTES) throw new FileTooLarge(blob.size);
    if (!(await isPhoto(blob))) throw new NotAPhoto();
    const sha256 = await sha256Hex(blob);
    await DB.transaction(["files"], "readwrite", async (s) => {
      const existing = await DB.done(s.files.get([userKey, sha256]));
      if (!existing) {
        s.files.put({ user_key: userKey, sha256, blob, type: blob.type, size: blob.size, sent: 0,
          kept_at: new Date().toISOString() });
      }
    });
    emit("madoguchi:outbox-changed", {});
    return { sha256, size: blob.size, type: blob.type };
  }

  /** The local copy of a file, or null when this tablet does not hold it. */
  async function local(userKey, sha256) {
    const row = await DB.transaction(["files"], "readonly", (s) => DB.done(s.files.get([userKey, sha256])));
    return row ? row.blob : null;
  }

  /** An address to show the file: the local copy while offline or unsent, else the server's. */
  async function url(userKey, sha256) {
    const blob = await local(userKey, sha256);
    return blob ? URL.createObjectURL(blob) : `${API}/${sha256}`;
  }

  /** How many files of this user have not reached the server yet. */
  async function waiting(userKey) {
    return DB.transaction(["files"], "readonly", (s) =>
      DB.done(s.files.index("by_user_sent").count(IDBKeyRange.only([userKey, 0]))));
  }

  function emit(name, detail) {
    if (root.dispatchEvent && root.CustomEvent) root.dispatchEvent(new root.CustomEvent(name, { detail }));
  }

  async function request(method, sha256, { body, offset, complete } = {}) {
    const headers = { "X-Madoguchi-Sync": "1" };
    if (offset !== undefined) headers["Upload-Offset"] = String(offset);
    if (complete) headers["Upload-Complete"] = "1";
    if (body) headers["Content-Type"] = "application/octet-stream";
    return fetch(`${API}/${sha256}`, { method, headers, body, credentials: "same-origin" });
  }

  /** Send one file from where the server stopped; true once the server holds it whole. */
  async function upload(row) {
    const state = await request("HEAD", row.sha256);
    if (state.status === 200) return true;
    if (state.status !== 404) throw new Error(`http ${state.status}`);
    let offset = Number(state.headers.get("Upload-Offset") || 0);
    if (!(offset >= 0 && offset <= row.size)) offset = 0;
    let refusedAt = null;
    for (;;) {
      const end = Math.min(row.size, offset + CHUNK);
      const response = await request("PATCH", row.sha256,
        { body: row.blob.slice(offset, end), offset, complete: end === row.size });
      const data = await response.json().catch(() => ({}));
      if (response.status === 409) {
        // The server holds a different amount (an earlier try got further, or the file did not match
        // its hash and was dropped): continue from its offset.
        const next = Number(response.headers.get("Upload-Offset") || data.offset || 0);
        // Refused twice at the same place: these bytes will never be accepted; try again next sync.
        if (next === refusedAt) return false;
        refusedAt = next;
        offset = next;
        continue;
      }
      if (!response.ok) throw new Error(`http ${response.status}`);
      if (data.present) return true;
      offset = Number(data.offset);
      if (end === row.size) return false;
    }
  }

  /** Upload every waiting file of this user; one failing file does not stop the others. */
  async function flush(userKey) {
    const rows = await DB.transaction(["files"], "readonly", (s) =>
      DB.done(s.files.index("by_user_sent").getAll(IDBKeyRange.only([userKey, 0]))));
    let sent = 0;
    let failed = 0;
    for (const row of rows) {
      try {
        if (await upload(row)) {
          await DB.transaction(["files"], "readwrite", async (s) => {
            const current = await DB.done(s.files.get([userKey, row.sha256]));
            if (current) s.files.put({ ...current, sent: 1 });
          });
          sent += 1;
        } else {
          failed += 1;
        }
      } catch (error) {
        failed += 1;
        if (!root.navigator || root.navigator.onLine === false) break;
      }
    }
    if (rows.length) emit("madoguchi:outbox-changed", {});
    return { sent, failed };
  }

  /** At sign-out: forget this user's files, all or only those the server already has. */
  async function clear(userKey, { keepUnsent = true } = {}) {
    await DB.transaction(["files"], "readwrite", async (s) => {
      const rows = await DB.done(s.files.index("by_user").getAll(IDBKeyRange.only(userKey)));
      for (const row of rows) if (!(keepUnsent && row.sent === 0)) s.files.delete([userKey, row.sha256]);
    });
  }

  root.MadoguchiFiles = { keep, local, url, waiting, flush, clear, FileTooLarge, NotAPhoto, MAX_BYTES, MAX_SIDE };
})(typeof self !== "undefined" ? self : globalThis);
