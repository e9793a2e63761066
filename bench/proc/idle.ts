/** The reference child: a bare Node process with an IPC channel, doing nothing. */
process.send?.({ type: 'ready' });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop') process.exit(0);
});
