// One party's media as the bridge sees it: what the party says comes out as decoded 8 kHz
// PCM and key presses, what the other party says goes in as PCM. RtpSession is one; a WebRTC
// leg can be another, and the bridge and the recorder need not know which.

/** Where a leg delivers what its party sends. */
export interface MediaSink {
  /** One decoded frame of 8 kHz mono PCM16, as it arrives. */
  audio(pcm: Int16Array): void;
  /** One key press, reported once however it was signalled. */
  dtmf(digit: string): void;
}

export interface MediaLeg {
  /** Starts delivering the party's audio and keys to `sink`; returns the function that stops it. */
  listen(sink: MediaSink): () => void;
  /** Live 8 kHz PCM for the party to hear (a prompt playing on the leg goes first). */
  feed(pcm: Int16Array): void;
  /** Whether the leg can signal digits to its party (RFC 4733 on RTP). */
  readonly canSendDtmf: boolean;
  /** Signals digits to the party; resolves once they are sent. */
  sendDtmf(digits: string): Promise<void>;
}
