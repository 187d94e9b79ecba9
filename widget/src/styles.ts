/** The panel's styles, inside the shadow root: the shop's CSS cannot reach them, nor they the shop. */
export const panelCss = `
.panel{position:absolute;bottom:72px;right:0;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;color:#1a1a1a;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);overflow:hidden}
:host([data-position=left]) .panel{right:auto;left:0}
.panel[hidden]{display:none}
.head{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--baton-color,#1f4f99);color:var(--baton-on-color,#fff)}
.head h2{font-size:16px;margin:0;flex:1}
.head .conn{font-size:12px;opacity:.9}
button{font:inherit;cursor:pointer}
.icon{background:transparent;border:0;color:inherit;width:32px;height:32px;border-radius:6px;font-size:20px;line-height:1}
.icon:focus-visible,.quick button:focus-visible,.waiting button:focus-visible,form button:focus-visible,textarea:focus-visible,.form input:focus-visible{outline:3px solid #111;outline-offset:2px}
.log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}
.items{display:flex;flex-direction:column;gap:8px}
.msg{max-width:85%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}
.user{align-self:flex-end;background:var(--baton-color,#1f4f99);color:var(--baton-on-color,#fff);border-bottom-right-radius:4px}
.assistant{align-self:flex-start;background:#fff;border:1px solid #dde1e6;border-bottom-left-radius:4px}
.assistant.streaming::after{content:'▍';opacity:.6}
.person::before{content:attr(data-author);display:block;font-size:12px;font-weight:600;color:#4a5360;margin-bottom:2px}
.status{align-self:flex-start;font-size:13px;color:#4a5360;display:flex;gap:6px;align-items:center}
.status::before{content:'';width:8px;height:8px;border-radius:50%;background:#c77c02}
.status.done::before{background:#1e7f3a}
.notice{align-self:center;font-size:13px;color:#39424e;background:#e8ebef;padding:4px 10px;border-radius:10px}
.card{align-self:stretch;background:#fff;border:1px solid #dde1e6;border-radius:10px;padding:10px 12px}
.card h3{margin:0 0 6px;font-size:14px}
.card ul{list-style:none;margin:0;padding:0;display:grid;gap:6px}
.card li{display:grid;grid-template-columns:1fr auto;gap:2px 8px;font-size:13px}
.card .opts{grid-column:1;color:#4a5360}
.card .price{font-weight:600}
.card .stock{font-size:12px;color:#1e7f3a}
.card .stock.out{color:#a32020}
.change{border-left:4px solid #c77c02}
.change.answered{border-left-color:#8a939e}
.change.done{border-left-color:#1e7f3a}
.change li{display:block}
.change p{margin:6px 0 0;font-size:13px}
.badge{display:inline-block;padding:1px 8px;border-radius:9px;background:#e6eefc;color:#173f7a;font-size:12px;font-weight:600;text-transform:capitalize}
.typing{padding:4px 14px;font-size:13px;color:#4a5360;min-height:18px;background:#f6f7f9}
.quick{display:flex;gap:8px;padding:8px 14px 0;flex-wrap:wrap}
.quick button{border:2px solid var(--baton-color,#1f4f99);color:#1a1a1a;background:#fff;border-radius:16px;padding:5px 12px}
.waiting{padding:8px 14px 0}
.waiting[hidden]{display:none}
.waiting button{border:1px solid #8a939e;color:#1a1a1a;background:#fff;border-radius:16px;padding:5px 12px}
.waiting button:disabled{opacity:.6;cursor:default}
.composer{display:flex;gap:8px;padding:10px 14px;border-top:1px solid #dde1e6}
textarea{flex:1;resize:none;font:inherit;padding:8px 10px;border:1px solid #8a939e;border-radius:8px;min-height:20px;max-height:120px}
form button{background:var(--baton-color,#1f4f99);color:var(--baton-on-color,#fff);border:0;border-radius:8px;padding:0 14px}
.form{display:grid;gap:4px}
.form label{font-size:13px;margin-top:4px}
.form input,.form textarea{font:inherit;padding:6px 8px;border:1px solid #8a939e;border-radius:6px}
.form button{justify-self:start;margin-top:8px;padding:6px 14px}
form button:disabled{opacity:.6;cursor:default}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){
 :host{bottom:12px;right:12px}
 .panel{position:fixed;inset:0;width:auto;height:auto;border-radius:0}
 :host(.open) .launcher{display:none}
}
@media (prefers-reduced-motion:no-preference){.panel{animation:rise .15s ease-out}@keyframes rise{from{transform:translateY(8px);opacity:0}}}
`;
