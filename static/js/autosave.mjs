// Autosave for the entry editor. Every keystroke is kept on this device at once (localStorage,
// per writer and per entry); a few seconds after typing stops it is saved to the server too.
// Offline, it waits and syncs by itself when the connection returns. Without this script the
// plain form still works. The offline writing shell carries no account details: it uses the
// writer last seen on this device and fetches their tokens once it is online.
const form = document.querySelector('form[data-autosave-slot]');
const FIELDS = ['title', 'body', 'entry_date', 'support', 'prompt_key', 'version'];
// The account signed in on this device (kept by app.mjs): the only one whose drafts the
// offline shell offers.
const WRITER = 'journal-writer';

// The writer last signed in on this device, while their session could still be alive: after
// an idle timeout the next person to open the offline shell is offered nobody's writing.
function lastWriter() {
  try {
    const { id, seen } = JSON.parse(localStorage.getItem(WRITER) || 'null') || {};
    const idle = Number(document.body.dataset.idleMinutes || 60) * 60_000;
    return id && Date.now() - seen < idle ? String(id) : '';
  } catch {
    return '';
  }
}

function read() {
  const values = {};
  FIELDS.forEach((name) => {
    const field = form.elements.namedItem(name);
    if (!field) return;
    values[name] = field instanceof RadioNodeList ? field.value : field.value;
  });
  return values;
}

// A random key for a new entry's form, so sending it twice saves it once (see _form.html).
function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function write(values) {
  FIELDS.forEach((name) => {
    const field = form.elements.namedItem(name);
    if (!field || values[name] === undefined) return;
    field.value = values[name];
  });
  form.elements.namedItem('body')?.dispatchEvent(new Event('input', { bubbles: true }));
}

if (form) {
  const owner = form.dataset.autosaveOwner || lastWriter();
  let key = `journal-draft:${owner}:${form.dataset.autosaveSlot}`;
  let url = form.dataset.autosaveUrl;
  const status = document.querySelector('[data-autosave-status]');
  const offer = document.querySelector('[data-autosave-offer]');
  const token = (name) => form.elements.namedItem(name);
  let timer = null;
  // The offline shell is the same for everyone, so its new-entry key is made on the device.
  const submission = form.elements.namedItem('submission_key');
  if (submission && !submission.value) submission.value = randomKey();

  const say = (text) => { if (status) status.textContent = text; };
  const stored = () => {
    try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
  };
  const same = (a, b) => FIELDS.every((name) => (a[name] || '') === (b[name] || ''));

  // The shell has no tokens: ask for the signed-in writer's, and only use them if the
  // writing on this device is theirs (never save one writer's words into another's account).
  // ``renew``: the page's own were refused (the writer signed in again, say, in another tab).
  async function tokens(renew = false) {
    if (token('csrf_token').value && !renew) return true;
    const response = await fetch(form.dataset.autosaveTokens, {
      credentials: 'same-origin', redirect: 'manual',
    });
    if (!response.ok) return false;
    const data = await response.json();
    if (String(data.owner) !== owner) return false;
    token('csrf_token').value = data.csrf_token;
    token('author').value = data.author;
    token('opened_by').value = data.opened_by;
    return true;
  }

  // A page another account opened on this device: the server kept the text for its writer once,
  // so stop sending it (each send would be kept again).
  let refused = null;
  let savedNote = 'Saved';

  // The entry was deleted on another device: this device's copy becomes writing for a new
  // entry (here, and as the new-entry draft on the server once sent), which the new-entry page
  // offers back. Writing already waiting there is never replaced: then this copy stays put.
  const newKey = `journal-draft:${owner}:new`;
  function moveToNewEntry() {
    const latest = stored();
    let waiting = null;
    try { waiting = JSON.parse(localStorage.getItem(newKey) || 'null'); } catch { /* unreadable */ }
    if (latest && waiting && !waiting.synced && !same(waiting.values, latest.values)) return false;
    if (latest) {
      const values = { ...latest.values, version: '' };  // a new entry starts from no version
      localStorage.setItem(newKey, JSON.stringify({ values, savedAt: Date.now(), synced: false }));
    }
    if (key !== newKey) localStorage.removeItem(key);
    key = newKey;
    url = url.replace(/[^/]*$/, 'new');
    savedNote = 'This entry was deleted on another device. Your writing is kept as a new '
      + 'entry: open a new entry to finish and save it.';
    if (status && !document.querySelector('[data-autosave-new-entry]')) {
      const link = document.createElement('a');
      link.href = new URL('new', new URL(form.dataset.autosaveTokens, window.location.href)).href;
      link.textContent = 'Open a new entry';
      link.dataset.autosaveNewEntry = '';
      status.after(link);
    }
    return true;
  }

  const send = (draft) => fetch(url, {
    method: 'POST', credentials: 'same-origin', redirect: 'manual',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token('csrf_token').value },
    body: JSON.stringify({ ...draft.values, author: token('author').value }),
  });

  // The server's answer to a form token it no longer accepts (see journal/errors.py).
  const staleToken = async (response) => {
    if (response.status !== 400) return false;
    try { return (await response.json()).csrf_expired === true; } catch { return false; }
  };

  async function sync() {
    const draft = stored();
    if (!draft || draft.synced) return;
    if (refused) { say(refused); return; }
    if (!navigator.onLine) { say('Saved on this phone – will sync when you are back online'); return; }
    try {
      if (!await tokens()) {
        say('Not saved to your account: sign in again. Your writing is kept on this phone.');
        return;
      }
      let response = await send(draft);
      // A refused token: fetch this writer's fresh ones and send once more (never in a loop).
      // If someone else is signed in now, the words stay on this phone and say so below.
      if (await staleToken(response) && await tokens(true)) response = await send(draft);
      if (response.ok) {
        const answer = await response.json();
        if (answer.author) token('author').value = answer.author;  // renewed while writing
        const latest = stored();
        if (latest && latest.savedAt === draft.savedAt) {
          localStorage.setItem(key, JSON.stringify({ ...latest, synced: true }));
        }
        say(savedNote);
      } else if (response.status === 409) {
        const answer = await response.json();
        refused = answer.error;
        // Kept on the server for its writer: this device's copy is no longer the only one, so it
        // does not stay here for the next person (unless more was typed since it was sent).
        const latest = stored();
        if (answer.kept && latest && latest.savedAt === draft.savedAt) localStorage.removeItem(key);
        say(refused);
      } else if (response.status === 410) {
        const answer = await response.json().catch(() => ({}));
        if (answer.gone && moveToNewEntry()) {
          say(savedNote);
          clearTimeout(timer);
          timer = setTimeout(sync, 0);  // now to the new-entry draft on the server
        } else {
          refused = 'This entry was deleted on another device, and other writing for a new entry '
            + 'is waiting on this phone. Copy this writing now and paste it into a new entry.';
          say(refused);
        }
      } else if (response.status === 503) {
        // The server could not save just now: this phone keeps its copy and tries again.
        say('Saved on this phone – will sync in a moment');
        clearTimeout(timer);
        timer = setTimeout(sync, 5000);
      } else {
        say('Not saved to your account: sign in again. Your writing is kept on this phone.');
      }
    } catch {
      say('Saved on this phone – will sync when you are back online');
    }
  }

  const keep = () => {
    localStorage.setItem(key, JSON.stringify({ values: read(), savedAt: Date.now(), synced: false }));
    say('Saved on this phone – will sync');
    clearTimeout(timer);
    timer = setTimeout(sync, 2000);
  };

  // A newer draft on this device than the form shows: offer it, never impose it.
  const draft = stored();
  if (draft && !same(draft.values, read()) && offer) {
    offer.hidden = false;
    const when = new Date(draft.savedAt).toLocaleString();
    offer.querySelector('[data-autosave-when]').textContent = when;
    offer.querySelector('[data-autosave-restore]').addEventListener('click', () => {
      write(draft.values);
      offer.hidden = true;
      keep();
    });
    offer.querySelector('[data-autosave-discard]').addEventListener('click', () => {
      localStorage.removeItem(key);
      offer.hidden = true;
    });
  } else if (draft && !draft.synced) {
    sync();
  }

  form.addEventListener('input', keep);
  form.addEventListener('change', keep);
  const submitted = () => {
    const current = stored();
    if (current) localStorage.setItem(key, JSON.stringify({ ...current, submitted: true }));
  };
  form.addEventListener('submit', async (event) => {
    if (token('csrf_token').value) { submitted(); return; }
    event.preventDefault();  // the shell: fetch this writer's tokens first
    try {
      if (await tokens()) { submitted(); form.submit(); return; }
    } catch { /* offline */ }
    say('Not saved: you need a connection and to be signed in. Your writing is kept on this phone.');
  });
  window.addEventListener('online', sync);
}
