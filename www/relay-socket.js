// DStream Lab's relay socket, in a Web Worker of its own, started by the view model's worker (src/host/socket.rs).
// It reads the relay's WebSocket while the view model runs a batch: a pause of a few hundred milliseconds at
// 500 000 lines/s once filled the relay's 16 MiB for the page and had it closed as too slow (README, "Budget,
// measured"). Each event goes on to the view model, a frame's bytes moved (transferred), not copied. The view model
// says which bytes it took; past MAX_BEHIND bytes not yet taken this worker closes the socket, as the relay closes
// a client too slow for it, so the page's memory stays bounded. The socket offers the subprotocol the view model
// names (LZ4-compressed frames) and reports the one the relay agreed to; frames go on as they came.
const MAX_BEHIND = 64 * 1024 * 1024;
let ws = null;
let behind = 0;

function drop() {
  if (ws) {
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close();
    ws = null;
  }
}

function open(url, protocol, seq) {
  try {
    ws = new WebSocket(url, protocol ? [protocol] : []);
  } catch (e) {
    postMessage({ kind: "close", seq, code: 1006, reason: `bad URL: ${e.message}` });
    return;
  }
  ws.binaryType = "arraybuffer";
  ws.onopen = () => postMessage({ kind: "open", seq, protocol: ws.protocol });
  ws.onmessage = (e) => {
    if (typeof e.data === "string") {
      postMessage({ kind: "text", seq, text: e.data });
      return;
    }
    behind += e.data.byteLength;
    if (behind > MAX_BEHIND) {
      drop();
      postMessage({ kind: "close", seq, code: 1008, reason: "this page fell 64 MiB behind the relay" });
      return;
    }
    postMessage({ kind: "binary", seq, data: e.data }, [e.data]);
  };
  ws.onclose = (e) => {
    ws = null;
    postMessage({ kind: "close", seq, code: e.code, reason: e.reason });
  };
}

onmessage = ({ data }) => {
  switch (data.kind) {
    case "open":
      drop();
      behind = 0;
      open(data.url, data.protocol, data.seq);
      break;
    case "send":
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(data.text);
      break;
    case "close":
      drop();
      break;
    case "took":
      behind -= data.bytes;
      break;
  }
};
