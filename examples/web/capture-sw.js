// The capture page's service worker: every same-origin GET goes to the network first and is
// kept; without signal the kept copy answers. So the page, its scripts and the .wasm reload
// offline once they have loaded online. The street's API (/api/) is never kept: a kept answer
// would make the phone believe it is online.
const CACHE = 'fengqiao-capture-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (ev) => ev.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (ev) => {
  const req = ev.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  ev.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const res = await fetch(req);
      if (res.ok) await cache.put(req, res.clone());
      return res;
    } catch (e) {
      const kept = await cache.match(req, { ignoreSearch: true });
      if (kept) return kept;
      throw e;
    }
  })());
});
