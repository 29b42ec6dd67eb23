/**
 * Confirmation before an irreversible one-tap action: a form with `data-confirm="question"` is sent only
 * when the person agrees. Listening in the capture phase on the document runs before htmx's own handler
 * on the form, so one mechanism serves plain and htmx forms alike (and no inline script is needed).
 */
export function startConfirmations() {
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (!form) return;
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
}
