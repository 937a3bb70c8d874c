// Service worker: the writing page and its assets open without a connection; any other page
// that needs the server says so plainly offline. It caches only the blank writing page, never
// an entry, and everything it holds is deleted when the writer signs out.
const VERSION = 'v1';
const ASSETS = `journal-assets-${VERSION}`;
const PAGES = 'journal-pages';
const PRECACHE = [
  '/offline',
  '/static/css/app.css',
  '/static/css/print.css',
  '/static/vendor/nhsuk/nhsuk-frontend.min.css',
  '/static/vendor/nhsuk/nhsuk-frontend.min.js',
  '/static/js/app.mjs',
  '/static/js/js-enabled.js',
  '/static/js/autosave.mjs',
  '/static/manifest.webmanifest',
  '/static/icons/icon-192.png',
  '/static/icons/icon-512.png',
];
// Pages kept for offline use: the blank new-entry form only (it holds no writing).
const OFFLINE_PAGES = ['/journal/new'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(PRECACHE)));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('journal-assets-') && name !== ASSETS) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'sign-out') {
    event.waitUntil(caches.delete(PAGES));
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/static/')) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode !== 'navigate') return;
  const keep = OFFLINE_PAGES.includes(url.pathname) && !url.search;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (keep && response.ok && !response.redirected) {
        const cache = await caches.open(PAGES);
        await cache.put(url.pathname, response.clone());
      }
      return response;
    } catch (error) {
      if (keep) {
        const page = await caches.match(url.pathname, { cacheName: PAGES });
        if (page) return page;
      }
      return (await caches.match('/offline')) || Response.error();
    }
  })());
});
