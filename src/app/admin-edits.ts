// The admin's edits of the running line: each is written to the definition file (src/instance/edit.ts)
// and applied at once (the line is redefined: its flows re-checked, its catalog rebuilt).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkFlowText } from '../flow/validate.ts';
import { instanceResolver } from '../instance/catalog.ts';
import {
  addFlow, addPrompt, DefinitionEditError, setHoursOfOperation, setPhoneNumberFlow,
} from '../instance/edit.ts';
import type { HoursOfOperationConfig, InstanceDefinition, Prompt } from '../instance/types.ts';
import { EspeakEngine, PromptRenderer } from '../telephony/media/prompts.ts';
import { encodeWav } from '../telephony/media/wav.ts';
import { formatFlowProblem, LineConfigError, type Line } from './line.ts';

export interface AdminEdits {
  setHours(hoursId: string, config: readonly HoursOfOperationConfig[]): InstanceDefinition;
  setNumberFlow(number: string, flow: string): InstanceDefinition;
  /** A flow file (its JSON text) added under flows/ after it passes `flow check` against the instance. */
  addFlow(flow: { id: string; name: string; text: string }): InstanceDefinition;
  /** A prompt from text (TTS) or from an uploaded WAV (RIFF/WAVE, PCM or G.711), stored as 8 kHz mono under prompts/. */
  addPrompt(prompt: { id: string; name: string; language?: string; text?: string; wav?: Buffer }): Promise<InstanceDefinition>;
  /** A prompt as 8 kHz mono PCM16 WAV; undefined when there is no such prompt. */
  promptAudio(promptId: string): Promise<Buffer | undefined>;
  /** Text spoken by the TTS engine, as 8 kHz mono PCM16 WAV (preview before saving). */
  speak(text: string, language?: string): Promise<Buffer>;
}

/** WAV format tags accepted for upload: PCM, A-law, μ-law (and EXTENSIBLE naming one of them). */
const ACCEPTED_TAGS = new Map([[1, 'PCM'], [6, 'G.711 A-law'], [7, 'G.711 μ-law']]);

/** Why an uploaded file is not a WAV the line can play; undefined when it is. */
export function wavUploadProblem(buf: Buffer): string | undefined {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') return 'not a RIFF/WAVE file';
  for (let offset = 12; offset + 8 <= buf.length; ) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (size < 16 || offset + 24 > buf.length) return 'fmt chunk too short';
      let tag = buf.readUInt16LE(offset + 8);
      if (tag === 0xfffe && size >= 40 && offset + 34 <= buf.length) tag = buf.readUInt16LE(offset + 8 + 24);
      if (!ACCEPTED_TAGS.has(tag)) return `unsupported encoding (WAVE format ${tag}); PCM or G.711 (A-law, μ-law) required`;
      const channels = buf.readUInt16LE(offset + 10);
      const rate = buf.readUInt32LE(offset + 12);
      if (channels < 1 || rate < 1000) return `unusable fmt chunk (${channels} channels, ${rate} Hz)`;
      return undefined;
    }
    if (id === 'data') return 'data chunk before fmt chunk';
    offset += 8 + size + (size % 2);
  }
  return 'no fmt chunk';
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function adminEdits(line: Line, options: { onRedefined?: (def: InstanceDefinition) => void } = {}): AdminEdits {
  const tts = line.definition.telephony?.tts?.wordsPerMinute;
  const renderer = new PromptRenderer({
    cacheDir: join(line.dataDir, 'cache', 'prompts'), engine: new EspeakEngine(tts ? { wordsPerMinute: tts } : {}),
  });
  const apply = (def: InstanceDefinition): InstanceDefinition => {
    try {
      line.redefine(def);
    } catch (err) {
      if (err instanceof LineConfigError) throw new DefinitionEditError('Invalid', err.problems.join('; '));
      throw err;
    }
    options.onRedefined?.(def);
    return def;
  };
  const speak = async (text: string, language?: string): Promise<Buffer> => {
    const r = await renderer.render({ text, language: language ?? line.definition.language });
    if (!r.ok) throw new Error(r.error.message);
    return encodeWav(r.pcm, { sampleRate: 8000 });
  };
  return {
    setHours: (hoursId, config) => apply(setHoursOfOperation(line.definitionFile, line.definition, hoursId, config)),
    setNumberFlow: (number, flow) => apply(setPhoneNumberFlow(line.definitionFile, line.definition, number, flow)),
    addFlow: ({ id, name, text }) => {
      if (!ID.test(id)) throw new DefinitionEditError('Invalid', 'id: letters, digits, "-" and "_" only');
      const def = line.definition;
      if (def.flows.some((f) => f.id === id)) throw new DefinitionEditError('Invalid', `flow id ${id} is taken`);
      const check = checkFlowText(text, { id, name, resolver: instanceResolver(def), type: 'CONTACT_FLOW' });
      const errors = check.problems.filter((p) => p.severity === 'error');
      if (!check.flow || errors.length > 0) throw new DefinitionEditError('Invalid', errors.map(formatFlowProblem).join('; ') || 'not a flow');
      const dir = dirname(line.definitionFile);
      const file = `flows/${id}.json`;
      mkdirSync(join(dir, 'flows'), { recursive: true });
      writeFileSync(join(dir, file), text);
      try {
        return apply(addFlow(line.definitionFile, def, { id, name, file }));
      } catch (err) {
        rmSync(join(dir, file), { force: true });
        throw err;
      }
    },
    addPrompt: async ({ id, name, language, text, wav }) => {
      if (!ID.test(id)) throw new DefinitionEditError('Invalid', 'id: letters, digits, "-" and "_" only');
      if (line.definition.prompts.some((p) => p.id === id)) throw new DefinitionEditError('Invalid', `prompt id ${id} is taken`);
      const prompt: Prompt = { id, name, ...(language !== undefined ? { language } : {}) };
      if (wav !== undefined) {
        const problem = wavUploadProblem(wav);
        if (problem !== undefined) throw new DefinitionEditError('Invalid', `the file: ${problem}`);
        const file = `prompts/${id}.wav`;
        mkdirSync(join(line.dataDir, 'prompts'), { recursive: true });
        const upload = join(line.dataDir, 'prompts', `.${id}.${randomBytes(4).toString('hex')}.upload.wav`);
        writeFileSync(upload, wav);
        try {
          await sox([upload, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', resolve(line.dataDir, file)]);
        } catch (err) {
          throw new DefinitionEditError('Invalid', `the file could not be converted: ${(err as Error).message}`);
        } finally {
          rmSync(upload, { force: true });
        }
        prompt.file = file;
      } else if (text !== undefined && text.trim() !== '') {
        prompt.text = text;
      } else {
        throw new DefinitionEditError('Invalid', 'a prompt needs a WAV file or a text');
      }
      return apply(addPrompt(line.definitionFile, line.definition, prompt));
    },
    promptAudio: async (promptId) => {
      const p = line.definition.prompts.find((x) => x.id === promptId);
      if (!p) return undefined;
      if (p.file !== undefined) {
        const r = await renderer.fromFile(resolve(line.dataDir, p.file));
        if (!r.ok) throw new Error(r.error.message);
        return readFileSync(r.path);
      }
      return speak(p.text ?? '', p.language);
    },
    speak,
  };
}

function sox(args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    execFile('sox', args, { timeout: 15000 }, (error, _out, stderr) => (error ? fail(new Error(String(stderr).trim() || error.message)) : ok()));
  });
}
