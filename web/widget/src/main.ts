import { findEmbedScript, resolveEmbedOptions } from './embed';
import { ChatWidget, type WidgetApi } from './widget';

declare global {
  interface Window {
    FrontdeskWidget?: WidgetApi;
  }
}

function boot(): void {
  if (window.FrontdeskWidget) return;
  const widget = new ChatWidget(resolveEmbedOptions(findEmbedScript(document.currentScript)));
  window.FrontdeskWidget = {
    open: () => widget.open(),
    close: () => widget.close(),
    toggle: () => widget.toggle(),
    isOpen: () => widget.isOpen(),
  };
  if (document.body) widget.attach();
  else document.addEventListener('DOMContentLoaded', () => widget.attach(), { once: true });
}

boot();
