// The verification form: shows only the fields the chosen step needs (the reason for 已排除, the action for
// 已处置), and keeps the comment in this tab's sessionStorage while it is typed, so that a session that ended
// before the form was sent (login again, come back) loses nothing; a registered step clears it.
(function () {
  "use strict";
  var form = document.getElementById("step-form");
  if (!form || !window.sessionStorage) { return; }
  var key = form.getAttribute("data-draft");
  var comment = document.getElementById("step-comment");
  if (form.getAttribute("data-sent") === "1") { sessionStorage.removeItem(key); }
  var kept = sessionStorage.getItem(key);
  if (kept && !comment.value) {
    comment.value = kept;
    var note = document.createElement("p");
    note.id = "draft-restored";
    note.className = "warn";
    note.textContent = "已恢复上次未提交的说明，请核对后提交。";
    form.insertBefore(note, form.firstChild);
  }
  comment.addEventListener("input", function () { sessionStorage.setItem(key, comment.value); });
  var to = document.getElementById("step-to");
  var needs = { "step-reason": "已排除", "step-action": "已处置" };
  function showNeeded() {
    Object.keys(needs).forEach(function (id) {
      var field = document.getElementById(id);
      var wanted = to.value === needs[id];
      field.parentNode.hidden = !wanted;
      if (!wanted) { field.value = ""; }
    });
  }
  to.addEventListener("change", showNeeded);
  showNeeded();
}());
