// Signing out clears this device: drafts in local storage and the cached writing page. Words the
// journal does not have yet (typed offline, or after a failed autosave) exist nowhere else, so
// they are sent first; any that cannot be sent are not thrown away without asking.
const DRAFT = 'journal-draft:';
const TOKENS = '/journal/editor-tokens';
const DRAFTS = '/journal/drafts/';
// Long enough for a slow signal, short enough that signing out never seems to hang.
const WAIT = 8000;

const parse = (key) => {
  try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
};

// This account's drafts that never reached the server, as [key, slot, draft].
function unsent(account) {
  const mine = `${DRAFT}${account}:`;
  return Object.keys(localStorage).filter((key) => key.startsWith(mine))
    .map((key) => [key, key.slice(mine.length), parse(key)])
    .filter(([, , draft]) => draft && draft.values && !draft.synced);
}

const call = (url, options = {}) => fetch(url, {
  credentials: 'same-origin', redirect: 'manual', signal: AbortSignal.timeout?.(WAIT), ...options,
});

// Send each unsent draft with fresh tokens (only if they are this account's); true if all went.
async function sendAll(account) {
  const pending = unsent(account);
  if (pending.length === 0) return true;
  if (!navigator.onLine) return false;
  try {
    const answer = await call(TOKENS);
    if (!answer.ok) return false;
    const tokens = await answer.json();
    if (String(tokens.owner) !== account) return false;
    let all = true;
    for (const [key, slot, draft] of pending) {
      const response = await call(DRAFTS + encodeURIComponent(slot), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': tokens.csrf_token },
        body: JSON.stringify({ ...draft.values, author: tokens.author }),
      });
      if (response.ok) localStorage.setItem(key, JSON.stringify({ ...draft, synced: true }));
      else all = false;
    }
    return all;
  } catch {
    return false;  // no signal after all, or too slow
  }
}

// This account's drafts go, and any that are safe on the server; another account's unsent
// words stay (as on every page load, see app.mjs): they are not this writer's to lose.
async function clearDevice(account) {
  Object.keys(localStorage).filter((key) => key.startsWith(DRAFT)).forEach((key) => {
    const draft = parse(key);
    if (key.startsWith(`${DRAFT}${account}:`) || !draft || draft.synced) {
      localStorage.removeItem(key);
    }
  });
  localStorage.removeItem('journal-writer');
  try {
    if ('caches' in window) await caches.delete('journal-pages');
  } catch { /* nothing cached */ }
  navigator.serviceWorker?.controller?.postMessage('sign-out');
}

function ask(form, warning, leave) {
  warning.hidden = false;
  warning.scrollIntoView({ block: 'center' });
  warning.focus();
  warning.querySelector('[data-unsent-stay]').onclick = () => {
    warning.hidden = true;
    form.querySelector('button')?.focus();
  };
  warning.querySelector('[data-unsent-leave]').onclick = () => {
    warning.hidden = true;
    leave();
  };
}

// Sign-out forms send this device's unsent writing first, and ask before losing any.
export function enhanceSignOut(account) {
  const warning = document.querySelector('[data-unsent-warning]');
  document.querySelectorAll('form[data-sign-out]').forEach((form) => {
    let busy = false;
    const leave = async () => { await clearDevice(account); form.submit(); };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      try {
        // The warning is on every page with a sign-out form (base.html).
        if (await sendAll(account) || !warning) await leave();
        else ask(form, warning, leave);
      } finally {
        busy = false;
      }
    });
  });
}
