// Progressive enhancement only: every page works without this file.
import { initAll } from '../vendor/nhsuk/nhsuk-frontend.min.js';

initAll();

// Installable and usable offline for writing (see sw.js).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => {});
}

// Whose writing the offline shell may offer: whoever is signed in here now, else nobody.
// (Bare pages, kept offline for anyone, say nothing.)
const account = document.body.dataset.account;
if (account) localStorage.setItem('journal-writer', account);
else if (account === '') localStorage.removeItem('journal-writer');

// A saved entry: drafts of it on this device are no longer needed.
const saved = document.querySelector('[data-saved-slots]');
if (saved) {
  const owner = saved.dataset.owner;
  saved.dataset.savedSlots.split(' ').forEach((slot) => {
    const key = `journal-draft:${owner}:${slot}`;
    try {
      const draft = JSON.parse(localStorage.getItem(key) || 'null');
      if (draft && draft.submitted) localStorage.removeItem(key);
    } catch { localStorage.removeItem(key); }
  });
}

// Signing out clears this device: drafts in local storage and the cached writing page.
document.querySelectorAll('form[data-sign-out]').forEach((form) => {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    Object.keys(localStorage).filter((k) => k.startsWith('journal-draft:'))
      .forEach((k) => localStorage.removeItem(k));
    localStorage.removeItem('journal-writer');
    try {
      if ('caches' in window) await caches.delete('journal-pages');
    } catch { /* nothing cached */ }
    navigator.serviceWorker?.controller?.postMessage('sign-out');
    form.submit();
  });
});
