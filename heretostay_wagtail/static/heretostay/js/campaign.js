/* heretostay-wagtail: optional progressive enhancement for campaign pages.
 *
 * Without this script every form works as a plain HTML form (Post/Redirect/Get).
 * With it, the signature form is sent in place: on success the thank-you message and
 * the new count replace the form; on errors the server's re-rendered form (with the
 * typed values and field errors) replaces it. Anything unexpected falls back to a
 * normal submission. It also shows the share box's "Copy link" button where copying works.
 */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.DOMParser || !Element.prototype.closest) {
    return;
  }

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function focusFirst(root, selectors) {
    for (var i = 0; i < selectors.length; i++) {
      var el = root.querySelector(selectors[i]);
      if (el) {
        if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
        el.focus();
        return;
      }
    }
  }

  function showThanks(form, doc) {
    var thanks = doc.querySelector(".hts-thanks");
    var box = form.closest(".hts-campaign__action") || form.parentNode;
    var newProgress = thanks.querySelector(".hts-progress");
    var oldProgress = box.querySelector(".hts-progress");
    if (newProgress && oldProgress) oldProgress.replaceWith(document.importNode(newProgress, true));

    var message = document.createElement("div");
    message.className = "hts-thanks-inline";
    message.setAttribute("role", "status");
    var heading = document.createElement("h2");
    heading.textContent = thanks.querySelector("h1").textContent;
    heading.setAttribute("tabindex", "-1");
    message.appendChild(heading);
    Array.prototype.forEach.call(thanks.querySelectorAll(":scope > p:not(:last-child)"), function (p) {
      message.appendChild(document.importNode(p, true));
    });
    var signHeading = box.querySelector("#hts-sign-heading");
    if (signHeading) signHeading.hidden = true;
    form.replaceWith(message);
    heading.focus();
  }

  function showForm(form, doc) {
    var fresh = doc.querySelector("form[data-hts-sign]");
    if (!fresh) return false;
    var node = document.importNode(fresh, true);
    form.replaceWith(node);
    focusFirst(node, [".hts-error-summary", ".hts-field--error input", ".hts-field--error textarea"]);
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-hts-sign]")) return;
    if (form.dataset.htsFallback) return; // second try: let the browser submit normally
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) {
      if (button.disabled) return;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      if (form.dataset.htsSending) {
        button.dataset.label = button.textContent;
        button.textContent = form.dataset.htsSending;
      }
    }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.text().then(function (html) {
          var doc = parse(html);
          if (response.ok && doc.querySelector(".hts-thanks")) {
            showThanks(form, doc);
          } else if (!showForm(form, doc)) {
            throw new Error("Unexpected response " + response.status);
          }
        });
      })
      .catch(function () {
        form.dataset.htsFallback = "1";
        if (button) button.disabled = false;
        form.submit();
      });
  });

  // "Copy link" next to the share URL. The button is rendered hidden (and the stylesheet
  // makes [hidden] win over .hts-button's display), so without this script, in an old
  // browser, or where the clipboard API is unavailable (pages not served over HTTPS), it
  // never shows. If writing to the clipboard is refused, the link is selected instead, so
  // it can be copied by hand.
  if (navigator.clipboard && typeof navigator.clipboard.writeText === "function" &&
      window.isSecureContext !== false) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-hts-copy]"), function (button) {
      var input = document.querySelector(button.getAttribute("data-hts-copy"));
      var status = document.querySelector(button.getAttribute("data-hts-copy-status"));
      if (!input) return;
      button.addEventListener("click", function () {
        if (status) status.textContent = "";
        navigator.clipboard.writeText(input.value).then(
          function () {
            if (status) status.textContent = button.getAttribute("data-hts-copied");
          },
          function () {
            input.focus();
            input.select();
          }
        );
      });
      button.hidden = false;
    });
  }
})();
