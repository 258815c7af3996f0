/** Small SVG icons (not font glyphs: a machine without a symbol font draws those as empty boxes). */
export function ClockIcon({ size = 12 }: { size?: number }) {
  return (
    <svg className="gz-icon" width={size} height={size} viewBox="0 0 12 12" aria-hidden>
      <circle cx="6" cy="6" r="5" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <path d="M6 3 V6 L8 7.5" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" />
    </svg>
  );
}

export function LoopIcon({ size = 12 }: { size?: number }) {
  return (
    <svg className="gz-icon" width={size} height={size} viewBox="0 0 12 12" aria-hidden>
      <path d="M9.5 4 A4 4 0 1 0 10 7" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <path d="M9.8 1.5 V4.3 H7" fill="none" stroke="currentColor" strokeWidth="1.3" />
    </svg>
  );
}

export function WarnIcon({ size = 12 }: { size?: number }) {
  return (
    <svg className="gz-icon" width={size} height={size} viewBox="0 0 12 12" aria-hidden>
      <path d="M6 1 L11 10.5 H1 Z" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
      <path d="M6 4.5 V7.2 M6 8.6 V9" stroke="currentColor" strokeWidth="1.3" />
    </svg>
  );
}
