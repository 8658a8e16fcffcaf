/* Waymark page script: keeps the partner click id for the checkout, the order chat and the hotline.
 * Served by GET /waymark.js; the line below is filled in per program. */
(function (window, document) {
  "use strict";
  var CONFIG = /*WAYMARK_CONFIG*/ { param: "click_id", days: 365 };
  var COOKIE = "waymark_click";
  // Same alphabets and arithmetic as waymark/ids.py (click ids sort by time; codes avoid 0/O, 1/I/L, U).
  var SORTABLE = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
  var FRIENDLY = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
  var CLICK_ID_LENGTH = 23;

  function isClickId(value) {
    if (typeof value !== "string" || value.length !== CLICK_ID_LENGTH) return false;
    for (var i = 0; i < value.length; i++) if (SORTABLE.indexOf(value.charAt(i)) < 0) return false;
    return true;
  }

  function readCookie() {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].replace(/^\s+/, "").split("=");
      if (pair[0] === COOKIE && isClickId(pair[1])) return pair[1];
    }
    return null;
  }

  function fromLandingUrl() {
    var value = new URLSearchParams(window.location.search).get(CONFIG.param);
    return isClickId(value) ? value : null;
  }

  // The last click wins: a landing with a click id replaces the kept one for the attribution window.
  var landed = fromLandingUrl();
  if (landed) {
    document.cookie = COOKIE + "=" + landed + "; Max-Age=" + CONFIG.days * 86400 + "; Path=/; SameSite=Lax" +
      (window.location.protocol === "https:" ? "; Secure" : "");
  }

  function clickId() {
    return landed || readCookie();
  }

  // Six friendly characters from the click id's last 8 characters (48 bits: exact in a JS number).
  function reference(id) {
    id = id === undefined ? clickId() : id;
    if (!isClickId(id)) return null;
    var value = 0;
    for (var i = id.length - 8; i < id.length; i++) value = value * 64 + SORTABLE.indexOf(id.charAt(i));
    var code = "";
    for (var n = 0; n < 6; n++) {
      code += FRIENDLY.charAt(value % 30);
      value = Math.floor(value / 30);
    }
    return code;
  }

  window.Waymark = { clickId: clickId, reference: reference, cookieName: COOKIE };
})(window, document);
