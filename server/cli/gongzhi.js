#!/usr/bin/env node
// 共治 gongzhi 命令行 / CLI shim: registers tsx so the TypeScript entry point runs under plain node.
import { register } from 'tsx/esm/api';
register();
await import('./main.ts');
