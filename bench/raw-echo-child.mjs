// The raw fork IPC baseline's child: echoes `{ id, payload }` back over the IPC channel (JSON
// serialisation). argv[2] = 'single': one message per request, answered at once. 'batch': messages
// arrive as arrays; answers are queued and go back as one array per event-loop tick (setImmediate).
const mode = process.argv[2] === 'batch' ? 'batch' : 'single';
const send = process.send.bind(process);

if (mode === 'single') {
  process.on('message', (message) => send(message));
} else {
  let out = [];
  let armed = false;
  const flush = () => {
    armed = false;
    const batch = out;
    out = [];
    send(batch);
  };
  process.on('message', (batch) => {
    for (let i = 0; i < batch.length; i++) out.push(batch[i]);
    if (!armed) {
      armed = true;
      setImmediate(flush);
    }
  });
}

// The parent is gone or closed the channel: leave.
process.on('disconnect', () => process.exit(0));
