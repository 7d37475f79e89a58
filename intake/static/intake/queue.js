// The triage queue's lists refetch themselves when a push says the queue changed (queue.html), but not over a
// triage this viewer has open: their choice and typing stay put, and sending it shows the queue as it is then.
// (A trigger filter would say this in the markup, but the site's htmx config forbids eval.)
(function () {
  "use strict";
  const lists = document.getElementById("report-lists");
  if (!lists) return;
  lists.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt === lists && lists.querySelector("details[open]")) event.preventDefault();
  });
})();
