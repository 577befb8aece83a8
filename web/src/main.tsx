import { render } from 'preact';
import { App } from './app.tsx';
import { unlockAudio } from './ring.ts';
import './styles.css';

// The ring of an incoming contact may sound only after the page has been interacted with.
document.addEventListener('pointerdown', unlockAudio, { once: true });
document.addEventListener('keydown', unlockAudio, { once: true });

const root = document.getElementById('app');
if (root) render(<App />, root);
