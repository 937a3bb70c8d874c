// Service worker: the writing page and its assets open without a connection; any other page
// that needs the server says so plainly offline. The only pages it keeps are the same for
// everyone and never hold a username, an entry, a draft or a token: a writing page served from
// the network is never stored, and offline the blank writing shell stands in for it.
// Bump with every change to a precached file: assets are served cache-first.
const VERSION = 'v4';
const ASSETS = `journal-assets-${VERSION}`;
// Pages of entries were kept here up to v1; they are deleted on activation and at sign-out.
const PAGES = 'journal-pages';
const SHELL = '/writing-shell';
const PRECACHE = [
  '/offline',
  SHELL,
  '/static/css/app.css',
  '/static/css/print.css',
  '/static/vendor/nhsuk/nhsuk-frontend.min.css',
  '/static/vendor/nhsuk/nhsuk-frontend.min.js',
  // Images the NHS.UK stylesheet draws with: offline pages need them too.
  '/static/vendor/nhsuk/assets/images/nhsuk-icon-arrow-down.svg',
  '/static/vendor/nhsuk/assets/images/nhsuk-icon-arrow-up-down.svg',
  '/static/vendor/nhsuk/assets/images/nhsuk-icon-arrow-up.svg',
  '/static/vendor/nhsuk/assets/images/nhsuk-icon-cross.svg',
  '/static/js/app.mjs',
  '/static/js/sign-out.mjs',
  '/static/js/js-enabled.js',
  '/static/js/autosave.mjs',
  '/static/manifest.webmanifest',
  '/static/icons/icon-192.png',
  '/static/icons/icon-512.png',
];
// Navigations answered by the shell when offline (the writer's own page is never cached).
const WRITING_PATHS = ['/journal/new'];

self.addEventListener('install', (event) => {
  // Fetched as nobody: no cookie goes out, so what is kept cannot belong to an account, and no
  // cookie comes back to overwrite the session of a writer signing in meanwhile.
  const requests = PRECACHE.map((path) => new Request(path, { credentials: 'omit' }));
  event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(requests)));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name === PAGES || (name.startsWith('journal-assets-') && name !== ASSETS)) {
        await caches.delete(name);
      }
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
  const writing = WRITING_PATHS.includes(url.pathname) && !url.search;
  event.respondWith((async () => {
    try {
      return await fetch(request);
    } catch (error) {
      const page = writing ? await caches.match(SHELL, { cacheName: ASSETS }) : undefined;
      return page || (await caches.match('/offline')) || Response.error();
    }
  })());
});
