// Keeps the share preview in step with the form while the writer types and chooses, so what
// they see is exactly what will be shared. Without this script the server redraws the preview
// (and refuses to share anything changed since it was drawn, showing the new preview first).
const card = document.querySelector('[data-share-preview]');
const form = document.querySelector('form input[name="previewed"]')?.form;

const CONTEXT_FIELDS = ['role', 'field', 'region', 'registered', 'international'];

function drawText(target, value) {
  target.replaceChildren();
  value.replace(/\r\n/g, '\n').trim().split(/\n{2,}/).forEach((block) => {
    if (!block.trim()) return;
    const paragraph = document.createElement('p');
    block.replace(/^\n+|\n+$/g, '').split('\n').forEach((line, index) => {
      if (index) paragraph.append(document.createElement('br'));
      paragraph.append(document.createTextNode(line));
    });
    target.append(paragraph);
  });
}

function row(question, answer) {
  const wrapper = document.createElement('div');
  wrapper.className = 'nhsuk-summary-list__row';
  wrapper.dataset.contextRow = '';
  const term = document.createElement('dt');
  term.className = 'nhsuk-summary-list__key';
  term.textContent = question;
  const value = document.createElement('dd');
  value.className = 'nhsuk-summary-list__value';
  value.textContent = answer;
  wrapper.append(term, value);
  return wrapper;
}

function drawContext(meta) {
  meta.querySelectorAll('[data-context-row]').forEach((old) => old.remove());
  const before = meta.querySelector('[data-month-row]');
  CONTEXT_FIELDS.forEach((name) => {
    const select = form.elements.namedItem(name);
    if (!select || !select.value) return;
    const label = form.querySelector(`label[for="${select.id}"]`);
    const answer = select.options[select.selectedIndex].textContent.trim();
    meta.insertBefore(row(label ? label.textContent.trim() : name, answer), before);
  });
}

function drawScope(cell) {
  const chosen = form.querySelector('input[name="scope"]:checked');
  const label = chosen && form.querySelector(`label[for="${chosen.id}"]`);
  cell.textContent = label ? label.textContent.trim() : '';
}

if (card && form) {
  const text = card.querySelector('[data-preview-text]');
  const meta = card.querySelector('[data-preview-meta]');
  const scope = card.querySelector('[data-preview-scope]');
  const hint = document.querySelector('[data-recheck-hint]');
  const wording = form.elements.namedItem('wording');

  const update = (event) => {
    if (event.target === wording) {
      drawText(text, wording.value);
      if (hint) hint.hidden = false;
    }
    drawContext(meta);
    drawScope(scope);
    form.elements.namedItem('previewed').value = 'live';
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
}
