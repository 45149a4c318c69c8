"use strict";
document.getElementById("login").addEventListener("submit", () => {
  document.getElementById("csrf").value = MYO.cookie("myo_csrf");
});
if (location.search.includes("failed")) document.getElementById("failed").textContent = "Log-in failed.";
