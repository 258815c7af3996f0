/** Every designer edit, as a named command on one undo/redo stack. */
export * from './stack';
export * from './states';
export * from './transitions';
export * from './catalog';
export * from './document';
export * from './locks';
export * from './clipboard';
