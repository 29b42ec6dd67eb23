"""Photos on the tablet: scaled and kept the moment they are taken, uploaded later, resumed, never lost."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, Request, expect

from tests.e2e.conftest import LiveServer, controlled_by_service_worker, sign_in

KEEP_CAMERA_PHOTO = """
async () => {
  // A 4000×3000 camera picture, as a tablet's camera would give it.
  const canvas = new OffscreenCanvas(4000, 3000);
  const g = canvas.getContext("2d");
  for (let i = 0; i < 40; i += 1) {
    g.fillStyle = `hsl(${i * 9}, 70%, 50%)`;
    g.fillRect(i * 100, 0, 100, 3000);
  }
  const photo = await canvas.convertToBlob({ type: "image/png" });
  const kept = await MadoguchiFiles.keep(document.body.dataset.userKey, photo);
  const local = await MadoguchiFiles.local(document.body.dataset.userKey, kept.sha256);
  const bitmap = await createImageBitmap(local);
  return { ...kept, width: bitmap.width, height: bitmap.height, original: photo.size };
}
"""

SERVER_HASH = """
async (sha) => {
  const response = await fetch(`/api/sync/v1/blobs/${sha}`);
  if (!response.ok) return `http ${response.status}`;
  const digest = await crypto.subtle.digest("SHA-256", await response.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
"""


# What the walk-through does when a photo is taken: a record refers to it. The server takes only files
# that a record the person may see refers to, and the record reaches it first.
ATTACH_TO_A_RECORD = """
async (sha) => {
  await MadoguchiOutbox.record(document.body.dataset.userKey, { table: "corrective_actions",
    id: crypto.randomUUID(), kind: "create", fields: { section_id: 1, title: "写真の確認", photos: [sha] } });
}
"""


async def unsent(page: Page) -> str | None:
    return await page.locator("#status-bar [data-outbox]").get_attribute("data-count")


async def test_offline_photo_is_scaled_kept_and_uploaded_later(page: Page, live_server: LiveServer) -> None:
    await sign_in(page, live_server.url, "demo-staff")
    await controlled_by_service_worker(page)
    await page.reload()  # under the worker now, so this page can be opened again offline
    await page.context.set_offline(True)

    kept: dict[str, Any] = await page.evaluate(KEEP_CAMERA_PHOTO)
    assert (kept["width"], kept["height"]) == (2048, 1536), "scaled to 2048 px on the long side"
    assert kept["type"] == "image/jpeg" and kept["size"] < kept["original"]
    await expect(page.locator("#status-bar [data-outbox]")).to_have_attribute("data-count", "1")

    # A reload while still offline: the photo is still on the tablet, still waiting.
    await page.reload()
    assert await page.evaluate(
        "(sha) => MadoguchiFiles.local(document.body.dataset.userKey, sha).then((b) => b && b.size)",
        kept["sha256"],
    ) == kept["size"]  # fmt: skip
    await expect(page.locator("#status-bar [data-outbox]")).to_have_attribute("data-count", "1")

    await page.evaluate(ATTACH_TO_A_RECORD, kept["sha256"])
    await page.context.set_offline(False)
    await page.get_by_role("button", name="今すぐ同期").click()
    await expect(page.locator("#status-bar [data-outbox]")).to_have_attribute("data-count", "0")
    assert await page.evaluate(SERVER_HASH, kept["sha256"]) == kept["sha256"]


async def test_interrupted_upload_resumes_where_it_stopped(page: Page, live_server: LiveServer) -> None:
    await sign_in(page, live_server.url, "demo-staff")
    await controlled_by_service_worker(page)
    offsets: list[str] = []

    def watch(request: Request) -> None:
        # Seen from the context, so uploads the service worker makes (Background Sync) count too.
        if request.method == "PATCH" and "/blobs/" in request.url:
            offsets.append(request.headers.get("upload-offset", "?"))

    page.context.on("request", watch)
    # A 2.5 MiB photo whose record has synced and whose first mebibyte reached the server before the
    # network dropped.
    sha: str = await page.evaluate(
        """async () => {
          const bytes = new Uint8Array(2.5 * 1024 * 1024);
          for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
          bytes.set([0xff, 0xd8, 0xff, 0xe0]);  // a JPEG's first bytes: only photos are taken
          const digest = await crypto.subtle.digest("SHA-256", bytes);
          window.photoBytes = bytes;
          return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
        }"""
    )
    await page.evaluate(ATTACH_TO_A_RECORD, sha)
    await page.get_by_role("button", name="今すぐ同期").click()
    await expect(page.locator("#status-bar [data-outbox]")).to_have_attribute("data-count", "0")
    await page.evaluate(
        """async (sha) => {
          const bytes = window.photoBytes;
          const response = await fetch(`/api/sync/v1/blobs/${sha}`, { method: "PATCH",
            headers: { "X-Madoguchi-Sync": "1", "Upload-Offset": "0" }, body: bytes.slice(0, 1024 * 1024) });
          if (!response.ok) throw new Error(`first chunk: ${response.status}`);
          // Kept as bytes the browser does not scale, so the tablet sends exactly these.
          await MadoguchiFiles.keep(document.body.dataset.userKey, new Blob([bytes]));
        }""",
        sha,
    )
    await page.get_by_role("button", name="今すぐ同期").click()
    await expect(page.locator("#status-bar [data-outbox]")).to_have_attribute("data-count", "0")
    assert offsets[0] == "0", "the chunk sent before the network dropped"
    assert offsets[1:] == [str(1024 * 1024), str(2 * 1024 * 1024)], "then only the missing part"
    assert await page.evaluate(SERVER_HASH, sha) == sha


async def test_signing_out_with_an_unsent_photo_asks_first(page: Page, live_server: LiveServer) -> None:
    await sign_in(page, live_server.url, "demo-staff")
    await controlled_by_service_worker(page)
    await page.context.set_offline(True)
    await page.evaluate(KEEP_CAMERA_PHOTO)
    await page.get_by_role("button", name="ログアウト").click()
    dialog = page.locator("#logout-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("1")
    await page.get_by_role("button", name="キャンセル").click()
    assert await unsent(page) == "1"
