#ifndef CROTORSPAWN_H
#define CROTORSPAWN_H
#endif
