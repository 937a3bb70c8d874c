// Progressive enhancement only: every page works without this file.
import { initAll } from '../vendor/nhsuk/nhsuk-frontend.min.js';
import { enhanceSignOut } from './sign-out.mjs';

initAll();

// Installable and usable offline for writing (see sw.js).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => {});
}

// Whose writing the offline shell may offer: whoever is signed in here now, else nobody, and
// only while their session could still be alive (autosave.mjs checks when they were last seen).
// (Bare pages, kept offline for anyone, say nothing.)
const account = document.body.dataset.account;
if (account) localStorage.setItem('journal-writer', JSON.stringify({ id: account, seen: Date.now() }));
else if (account === '') localStorage.removeItem('journal-writer');

// The session here has ended (or another account is signed in): copies of drafts that are safe
// on the server go, so they are not left on a shared device. Ones never synced stay (their words
// exist nowhere else); the editor shows them only to their own writer, and syncs them then.
if (account !== undefined) {
  Object.keys(localStorage)
    .filter((k) => k.startsWith('journal-draft:') && !k.startsWith(`journal-draft:${account}:`))
    .forEach((k) => {
      try {
        if (JSON.parse(localStorage.getItem(k)).synced) localStorage.removeItem(k);
      } catch { /* not ours to judge: leave it */ }
    });
}

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

// Signing out clears this device, once its unsent writing is sent (or the writer chose to lose it).
if (account) enhanceSignOut(account);
