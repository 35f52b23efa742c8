#!/usr/bin/env node
// Rewrites the README's answers table from the compiled answers model (run `npm run build` first).
import { readFileSync, writeFileSync } from 'node:fs';

const { readmeAnswersTable, README_TABLE_START, README_TABLE_END } = await import(new URL('../dist/generators/core/answers/options.js', import.meta.url).href);
const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf(README_TABLE_START);
const end = readme.indexOf(README_TABLE_END);
if (start < 0 || end < start) throw new Error('README.md has no answers-table markers');
writeFileSync(path, `${readme.slice(0, start + README_TABLE_START.length)}\n${readmeAnswersTable()}\n${readme.slice(end)}`);
