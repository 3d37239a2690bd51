import { benchPages, measureThroughput } from './extract.js';
const t = performance.now();
console.log(measureThroughput(benchPages(150)), performance.now() - t);
