import { corpusTest } from './corpus-test.js';

// Each run mostly waits (a poll interval, a Socket.IO answer): ten at a time keep the cores busy.
corpusTest('tasks', 10);
