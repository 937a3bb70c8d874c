// Select a passage of a shared entry to tag just that passage: the selection fills the
// "Passage" box of the tag form. Without this script the researcher pastes the passage.
const text = document.querySelector('[data-share-text]');
const form = document.querySelector('[data-tag-form]');

if (text && form) {
  const box = form.querySelector('textarea[name="excerpt"]');
  const hint = form.querySelector('[data-select-hint]');
  if (hint) hint.hidden = false;
  text.addEventListener('mouseup', () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) return;
    const passage = selection.toString().trim();
    if (passage && box) {
      box.value = passage;
      box.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
}
