import sharp from 'sharp';
const dir='/work/main/fixtures/images/';
let t=Date.now();
try { await sharp(dir+'HMD_Nokia_8.3_5G.jpg').resize(8000).blur(80).webp({effort:6}).timeout({seconds:1}).toBuffer(); console.log('no timeout', Date.now()-t); } catch(e) { console.log('timeout msg:', JSON.stringify(e.message), Date.now()-t); }
