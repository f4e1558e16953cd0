// Shared by the public pages: language choice, translation, GraphQL calls, formatting.
// Plain browser JavaScript, no build step. Each page's own script sets
// window.MOTCUA_TEXT to { vi: {...}, en: {...} }; load this file first, both `defer`.
(function () {
  "use strict";
  var STORAGE_KEY = "motcua.lang";
  var COMMON = {
    vi: {
      skip: "Bỏ qua, đến nội dung chính",
      brand: "Trung tâm Phục vụ hành chính công Hà Nội",
      navLookup: "Tra cứu hồ sơ",
      navScoreboard: "Công khai kết quả",
      switchTo: "English",
      switchLabel: "Switch to English",
      networkError: "Không kết nối được máy chủ. Vui lòng thử lại.",
      rateLimited: "Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.",
      footer: "Dữ liệu do hệ thống một cửa cung cấp qua API GraphQL công khai.",
    },
    en: {
      skip: "Skip to main content",
      brand: "Hà Nội Public Administrative Service Centre",
      navLookup: "Dossier lookup",
      navScoreboard: "Public scoreboard",
      switchTo: "Tiếng Việt",
      switchLabel: "Chuyển sang tiếng Việt",
      networkError: "Could not reach the server. Please try again.",
      rateLimited: "Too many look-ups. Please try again in a minute.",
      footer: "Figures come from the one-stop system through its public GraphQL API.",
    },
  };

  function storedLang() {
    try {
      var value = window.localStorage.getItem(STORAGE_KEY);
      return value === "en" ? "en" : "vi";
    } catch (e) {
      return "vi";
    }
  }

  var lang = storedLang();
  var listeners = [];

  function t(key) {
    var own = (window.MOTCUA_TEXT || {})[lang] || {};
    if (Object.prototype.hasOwnProperty.call(own, key)) return own[key];
    if (Object.prototype.hasOwnProperty.call(COMMON[lang], key)) return COMMON[lang][key];
    return key;
  }

  function apply() {
    document.documentElement.lang = lang;
    var nodes = document.querySelectorAll("[data-i18n]");
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute("data-i18n"));
    var attrs = document.querySelectorAll("[data-i18n-attr]");
    for (var j = 0; j < attrs.length; j++) {
      // data-i18n-attr="placeholder:key;aria-label:key2"
      attrs[j].getAttribute("data-i18n-attr").split(";").forEach(function (pair) {
        var parts = pair.split(":");
        if (parts.length === 2) attrs[j].setAttribute(parts[0], t(parts[1]));
      });
    }
    document.title = t("title");
    var toggle = document.getElementById("lang-toggle");
    if (toggle) {
      toggle.textContent = t("switchTo");
      toggle.setAttribute("aria-label", t("switchLabel"));
      toggle.setAttribute("lang", lang === "vi" ? "en" : "vi");
    }
    listeners.forEach(function (fn) { fn(lang); });
  }

  function setLang(value) {
    lang = value === "en" ? "en" : "vi";
    try { window.localStorage.setItem(STORAGE_KEY, lang); } catch (e) { /* private mode */ }
    apply();
  }

  function GraphQLError(message, code) {
    this.name = "GraphQLError";
    this.message = message;
    this.code = code;
  }
  GraphQLError.prototype = Object.create(Error.prototype);

  // POST a GraphQL document as JSON (a non-simple content type: no CSRF header needed).
  function gql(query, variables) {
    return fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query: query, variables: variables || {} }),
      credentials: "omit",
    }).then(
      function (response) {
        return response.json().catch(function () {
          throw new GraphQLError(t("networkError"), "HTTP_" + response.status);
        });
      },
      function () { throw new GraphQLError(t("networkError"), "NETWORK"); }
    ).then(function (body) {
      if (body.errors && body.errors.length) {
        var first = body.errors[0];
        var code = (first.extensions && first.extensions.code) || "ERROR";
        throw new GraphQLError(code === "RATE_LIMITED" ? t("rateLimited") : first.message, code);
      }
      return body.data;
    });
  }

  function locale() { return lang === "vi" ? "vi-VN" : "en-GB"; }

  function formatDateTime(iso) {
    if (!iso) return "—";
    return new Intl.DateTimeFormat(locale(), {
      timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit",
    }).format(new Date(iso));
  }

  function formatNumber(value, digits) {
    if (value === null || value === undefined) return "—";
    return new Intl.NumberFormat(locale(), {
      maximumFractionDigits: digits === undefined ? 1 : digits,
    }).format(value);
  }

  // Rates arrive as percentages (0..100), as the statistics API describes them.
  function formatPercent(value) {
    if (value === null || value === undefined) return "—";
    return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(value / 100);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  window.motcua = {
    t: t,
    gql: gql,
    el: el,
    lang: function () { return lang; },
    onLangChange: function (fn) { listeners.push(fn); },
    formatDateTime: formatDateTime,
    formatNumber: formatNumber,
    formatPercent: formatPercent,
  };

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("lang-toggle");
    if (toggle) toggle.addEventListener("click", function () { setLang(lang === "vi" ? "en" : "vi"); });
    apply();
  });
})();
