export const WIDGET_CSS = `
:host { all: initial; }
.root {
  --fd-primary: #1f4d45;
  --fd-on-primary: #ffffff;
  --fd-bg: #ffffff;
  --fd-text: #1d2327;
  --fd-muted: color-mix(in srgb, var(--fd-text) 62%, var(--fd-bg));
  --fd-line: color-mix(in srgb, var(--fd-text) 14%, var(--fd-bg));
  --fd-soft: color-mix(in srgb, var(--fd-text) 6%, var(--fd-bg));
  --fd-gap: 20px;
  color-scheme: light;
  font: 400 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  color: var(--fd-text);
  letter-spacing: normal;
  text-align: left;
  -webkit-font-smoothing: antialiased;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button, textarea { font: inherit; color: inherit; margin: 0; }
button { cursor: pointer; }
svg { width: 22px; height: 22px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; flex: none; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
:focus-visible { outline: 3px solid color-mix(in srgb, var(--fd-primary) 55%, #ffb000); outline-offset: 2px; }

.launcher {
  position: fixed; bottom: var(--fd-gap); right: var(--fd-gap); z-index: 2147483000;
  width: 60px; height: 60px; border: 0; border-radius: 50%;
  display: grid; place-items: center;
  background: var(--fd-primary); color: var(--fd-on-primary);
  box-shadow: 0 10px 30px rgba(15, 23, 42, 0.28), 0 2px 6px rgba(15, 23, 42, 0.18);
  transition: transform 160ms ease, box-shadow 160ms ease;
}
.launcher svg { width: 28px; height: 28px; }
.launcher:hover { transform: translateY(-2px) scale(1.03); }
.left .launcher { right: auto; left: var(--fd-gap); }

.panel {
  position: fixed; bottom: var(--fd-gap); right: var(--fd-gap); z-index: 2147483001;
  width: 380px; height: min(640px, calc(100vh - 2 * var(--fd-gap)));
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--fd-bg); color: var(--fd-text);
  border-radius: 18px; border: 1px solid var(--fd-line);
  box-shadow: 0 24px 60px rgba(15, 23, 42, 0.28), 0 4px 14px rgba(15, 23, 42, 0.12);
  animation: fd-in 180ms ease-out;
}
.left .panel { right: auto; left: var(--fd-gap); }
@keyframes fd-in { from { opacity: 0; transform: translateY(12px) scale(0.98); } to { opacity: 1; transform: none; } }

.header {
  display: flex; align-items: center; gap: 12px; padding: 14px 14px 14px 18px;
  background: var(--fd-primary); color: var(--fd-on-primary);
}
.title { flex: 1; margin: 0; font-size: 16px; font-weight: 650; line-height: 1.3; overflow-wrap: anywhere; }
.close {
  width: 40px; height: 40px; border: 0; border-radius: 10px; display: grid; place-items: center;
  background: transparent; color: inherit;
}
.close:hover { background: rgba(255, 255, 255, 0.16); }

.banner { margin: 0; padding: 8px 16px; font-size: 13px; background: #fff4d6; color: #5c4300; border-bottom: 1px solid #f1dc9c; }

.body { flex: 1; overflow-y: auto; padding: 14px 14px 6px; display: flex; flex-direction: column; gap: 10px; overscroll-behavior: contain; }
.consent { margin: 0 0 4px; padding: 10px 12px; font-size: 12.5px; line-height: 1.45; color: var(--fd-muted); background: var(--fd-soft); border-radius: 12px; }
.consent a, .bubble a { color: inherit; text-decoration: underline; text-underline-offset: 2px; overflow-wrap: anywhere; }
.log { display: flex; flex-direction: column; gap: 8px; }
.msg { display: flex; }
.bubble {
  max-width: 85%; padding: 9px 13px; border-radius: 16px; white-space: pre-wrap; overflow-wrap: anywhere;
  background: var(--fd-soft); color: var(--fd-text); border-bottom-left-radius: 5px;
}
.msg.user { justify-content: flex-end; }
.msg.user .bubble { background: var(--fd-primary); color: var(--fd-on-primary); border-bottom-left-radius: 16px; border-bottom-right-radius: 5px; }
.msg.operator .bubble { border: 1px solid var(--fd-primary); background: var(--fd-bg); }
.msg.system { justify-content: center; }
.msg.system .bubble { background: transparent; color: var(--fd-muted); font-size: 13px; text-align: center; }
.who { display: block; font-size: 12px; font-weight: 600; color: var(--fd-primary); margin-bottom: 2px; }

.typing { display: inline-flex; gap: 4px; align-self: flex-start; padding: 12px 14px; border-radius: 16px; background: var(--fd-soft); }
.typing i { width: 7px; height: 7px; border-radius: 50%; background: var(--fd-muted); animation: fd-dot 1.1s infinite ease-in-out; }
.typing i:nth-child(2) { animation-delay: 0.15s; }
.typing i:nth-child(3) { animation-delay: 0.3s; }
@keyframes fd-dot { 0%, 70%, 100% { opacity: 0.35; transform: none; } 35% { opacity: 1; transform: translateY(-3px); } }

.error { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 10px 12px; border-radius: 12px; background: #fdecec; color: #8a1c1c; font-size: 13.5px; }
.error p { margin: 0; flex: 1 1 180px; }
.retry { border: 1px solid currentColor; background: #fff; color: #8a1c1c; border-radius: 999px; padding: 6px 14px; font-size: 13.5px; font-weight: 600; }

.suggestions { display: flex; flex-wrap: wrap; gap: 6px; padding: 6px 14px 4px; }
.suggestion {
  border: 1px solid var(--fd-primary); background: var(--fd-bg); color: var(--fd-primary);
  border-radius: 999px; padding: 6px 12px; font-size: 13.5px; line-height: 1.3; text-align: left;
}
.suggestion:hover { background: var(--fd-soft); }

.composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px calc(12px + env(safe-area-inset-bottom, 0px)); border-top: 1px solid var(--fd-line); }
.input {
  flex: 1; min-height: 42px; max-height: 140px; resize: none; padding: 10px 12px; font-size: 16px; line-height: 1.35;
  border: 1px solid var(--fd-line); border-radius: 12px; background: var(--fd-bg);
}
.input:focus { border-color: var(--fd-primary); outline: none; box-shadow: 0 0 0 3px color-mix(in srgb, var(--fd-primary) 25%, transparent); }
.send {
  width: 42px; height: 42px; border: 0; border-radius: 12px; display: grid; place-items: center;
  background: var(--fd-primary); color: var(--fd-on-primary);
}
.send:disabled { opacity: 0.5; cursor: default; }

@media (max-width: 480px) {
  .panel { inset: 0; width: 100%; height: 100%; max-height: none; border-radius: 0; border: 0; }
  .left .panel { left: 0; }
  .launcher { --fd-gap: 16px; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; }
}
@media (forced-colors: active) {
  .launcher, .send, .bubble, .suggestion { border: 1px solid CanvasText; }
}
`;
