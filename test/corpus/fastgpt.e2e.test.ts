import { corpusTest } from './corpus-test.js';

corpusTest('fastgpt');
