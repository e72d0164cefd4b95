// A static import from CommonJS: TS1479 with module node16 (ESM-only package); nodenext allows it (TS 5.8+).
import { connect } from 'ut-tls';
connect({ host: '127.0.0.1', port: 4433 }).end();
