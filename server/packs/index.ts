export { loadPackDir, loadPacksRoot, PackFileError } from './load';
