export { ClassifierUnavailableError } from './classifier-errors.js';
export { CLASSIFIER_INPUT_SIZE, type ClassifierFileOptions, type ClassifierPixels } from './classifier-input.js';
export {
  CLASSIFIER_CLASSES,
  EXPLICIT_CLASSES,
  explicitScore,
  explicitScoreOfFile,
  explicitScoreOfFrames,
  loadExplicitClassifier,
  type ExplicitClassifier,
  type ExplicitScore,
} from './explicit-classifier.js';
export { loadTfRuntime, type TfRuntime } from './tf-runtime.js';
export {
  FACE_MIN_CONFIDENCE,
  detectFaces,
  detectFacesInInput,
  detectFacesOfFile,
  faceBoxesOf,
  loadFaceDetector,
  type FaceDetector,
  type FaceSearchOptions,
} from './face-detector.js';
export { FACE_INPUT_LONG_SIDE, faceInputOfFile, type FaceInput } from './face-input.js';
