// Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) press the Undo and Redo buttons, except while typing in a field.
(function () {
  "use strict";
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key.toLowerCase();
    const redo = (key === "z" && event.shiftKey) || key === "y";
    const button = document.getElementById(redo ? "redo-button" : key === "z" ? "undo-button" : "");
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
