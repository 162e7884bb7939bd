// Loads the WASM app. A separate file (not an inline script) so the CSP can stay strict.
import init from '/pst.js';
init({ module_or_path: '/pst_bg.wasm' });
