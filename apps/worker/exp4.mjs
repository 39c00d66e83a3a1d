import sharp from 'sharp';
const dir='/work/main/fixtures/images/';
// animated webp with EXIF orientation 6
const buf = await sharp(dir+'animated-loop-3.webp', {animated:true}).webp({loop:3, delay:[3000,3000,3000,3000,3000,3000,3000,3000,3000,15000]}).withExif({IFD0:{Orientation:'6'}}).toBuffer();
const m = await sharp(buf).metadata();
console.log('orient', m.orientation, m.width, m.height, m.autoOrient, m.pages);
try {
const {info} = await sharp(buf, {animated:true, autoOrient:true}).resize(640,640,{fit:'inside'}).webp().toBuffer({resolveWithObject:true});
console.log('animated autoOrient', info);
} catch (e) { console.log('animated autoOrient ERR', e.message); }
// timeout
try { await sharp(dir+'HMD_Nokia_8.3_5G.jpg').resize(4000).blur(30).webp({effort:6}).timeout({seconds:1}).toBuffer(); console.log('no timeout'); } catch(e) { console.log('timeout msg:', e.message); }
console.log(sharp.cache(), sharp.concurrency());
