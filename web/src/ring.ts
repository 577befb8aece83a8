// The ring of an incoming contact, made with WebAudio (no sound file): Japan's ringback cadence,
// 400 Hz modulated at 16 Hz, one second on and two off, until stopped. Browsers let a page make sound
// only after the user has interacted with it; `unlockAudio` is called on the first click.
let ctx: AudioContext | undefined;
let ringing: { stop(): void } | undefined;

export function unlockAudio(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
  } catch {
    // no audio on this machine: the offer is still shown
  }
}

export function startRing(): void {
  if (ringing) return;
  unlockAudio();
  const audio = ctx;
  if (!audio) return;
  const gain = audio.createGain();
  gain.gain.value = 0;
  gain.connect(audio.destination);
  const tone = audio.createOscillator();
  tone.frequency.value = 400;
  const lfo = audio.createOscillator();
  lfo.frequency.value = 16;
  const depth = audio.createGain();
  depth.gain.value = 0.5;
  const level = audio.createGain();
  level.gain.value = 0.5;
  lfo.connect(depth).connect(level.gain);
  tone.connect(level).connect(gain);
  const cadence = () => {
    const t = audio.currentTime;
    gain.gain.setValueAtTime(0.15, t);
    gain.gain.setValueAtTime(0, t + 1);
  };
  cadence();
  const timer = setInterval(cadence, 3000);
  tone.start();
  lfo.start();
  ringing = {
    stop: () => {
      clearInterval(timer);
      tone.stop();
      lfo.stop();
      gain.disconnect();
    },
  };
}

export function stopRing(): void {
  ringing?.stop();
  ringing = undefined;
}
