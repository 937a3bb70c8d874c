// Drag items to reorder a collection. Without this script, the "Move up" and "Move down"
// buttons do the same. The new order is sent with the version the page was drawn from, so an
// order made on a stale page is refused rather than applied over someone else's change.
const list = document.querySelector('[data-reorder-list]');
const form = document.querySelector('[data-reorder-form]');

if (list && form) {
  let dragged = null;
  list.querySelectorAll('.drag-hint').forEach((hint) => { hint.hidden = false; });
  list.addEventListener('dragstart', (event) => {
    dragged = event.target.closest('[data-item-id]');
    if (dragged) dragged.classList.add('dragging');
  });
  list.addEventListener('dragover', (event) => {
    event.preventDefault();
    const over = event.target.closest('[data-item-id]');
    if (!dragged || !over || over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener('dragend', () => {
    if (!dragged) return;
    dragged.classList.remove('dragging');
    dragged = null;
    const order = [...list.querySelectorAll('[data-item-id]')].map((item) => item.dataset.itemId);
    form.elements.namedItem('order').value = order.join(',');
    form.submit();
  });
}
